using System.Diagnostics;
using System.Globalization;
using RnnGen;
using RnnGen.Data;
using RnnGen.Training;

namespace ImdbSample;

/// <summary><c>evaluate</c> and <c>predict</c>: the uses of a trained model folder.</summary>
internal static class UseCommands
{
    /// <summary>Keras' <c>model.evaluate</c> on all 25,000 test reviews, encoded as in training.</summary>
    public static int Evaluate(ModelFolder folder, string? requestedModel, string? dataPath, string? cacheFolder, Verbosity verbosity, TextWriter output)
    {
        bool normal = verbosity != Verbosity.Quiet;
        (ModelEntry entry, IRnnModel model, ModelInfo info) = folder.LoadModel(requestedModel);
        Vocabulary vocabulary = folder.LoadVocabulary();
        if (normal)
        {
            output.WriteLine($"Model: {entry.Name} ({info.Spec}) from {folder.Path}");
        }

        ImdbDataset data = ImdbDataset.Load(info.ToDataOptions() with { DataPath = dataPath, CacheFolder = cacheFolder, Log = normal ? output : null });

        // Ids come from the vocabulary ranked on the training reviews; only ranks below num_words reach the model, and
        // those must be the saved ones, or the test reviews would be encoded differently from training.
        int used = Math.Max(info.NumWords - Vocabulary.IndexFrom - 1, 0);
        if (!vocabulary.Words.Take(used).SequenceEqual(data.Vocabulary.Words.Take(used), StringComparer.Ordinal))
        {
            throw new UsageException(
                $"The reviews in '{data.Source?.Path}' give another vocabulary than the one the model was trained with ({folder.VocabularyPath}); evaluate it on the data it was trained on ({info.Training.Data}).");
        }

        var clock = Stopwatch.StartNew();
        (double loss, double accuracy) = model.Evaluate(data.Test, info.Training.BatchSize);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Test accuracy: {accuracy:F4} (loss {loss:F4}) on all {data.Test.Count:N0} test reviews, evaluated in {clock.Elapsed.TotalSeconds:F1} s."));
        if (model.Description.Classes > 1)
        {
            (RatingMetrics.Figures rated, _, _) = RatingMetrics.Evaluate(model, data.Test, data.Train, info.Training.BatchSize);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Stars: accuracy {rated.Accuracy:F4}, within one star {rated.WithinOneStar:F4}, mean absolute error {rated.MeanAbsoluteError:F3} stars."));
        }

        return 0;
    }

    /// <summary>The probability that <paramref name="text"/> is a positive review, tokenized exactly as the training reviews were.</summary>
    public static int Predict(ModelFolder folder, string? requestedModel, string text, Verbosity verbosity, TextWriter output)
    {
        (ModelEntry entry, IRnnModel model, ModelInfo info) = folder.LoadModel(requestedModel);
        Vocabulary vocabulary = folder.LoadVocabulary();
        ImdbOptions options = info.ToDataOptions();
        int[] ids = ImdbDataset.EncodeText(text, vocabulary, options);
        float[] probabilities = model.Predict(ids);
        float probability = probabilities[0];

        // Keras' binary_accuracy threshold: positive when σ(z) > 0.5; the rating model's class is the argmax.
        string label = probability > 0.5f ? "positive" : "negative";
        if (verbosity == Verbosity.Verbose)
        {
            RuntimeReport.Write(output);
        }

        if (verbosity != Verbosity.Quiet)
        {
            int[] encoded = vocabulary.Encode(text, options.NumWords, options.SkipTop);
            int words = encoded.Length - 1;
            int unknown = encoded.AsSpan(1).Count(Vocabulary.OovId);
            output.WriteLine($"Model: {entry.Name} ({info.Spec}) from {folder.Path}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Text: {words} words, {unknown} outside the model's {options.NumWords:N0}-word vocabulary{(encoded.Length > options.SeqLen ? $"; the model reads only the last {options.SeqLen} tokens" : "")}."));
        }

        if (probabilities.Length > 1)
        {
            int rating = RnnGen.Execution.SoftmaxCrossEntropy.ArgMax(probabilities);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ImdbReader.RatingStars[rating]} stars (probability {probabilities[rating]:F4}; {string.Join(", ", probabilities.Select((p, k) => $"{ImdbReader.RatingStars[k]}: {p:F2}"))})"));
            return 0;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label} (probability of positive: {probability:F4})"));
        return 0;
    }
}
