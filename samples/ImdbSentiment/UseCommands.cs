using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using nietras.SeparatedValues;
using RnnGen;
using RnnGen.Data;
using RnnGen.Keras;
using RnnGen.Onnx;
using RnnGen.Serving;
using RnnGen.Text;
using RnnGen.Training;

namespace ImdbSample;

/// <summary><c>evaluate</c>, <c>predict</c> and <c>export</c>: the uses of a trained model folder; <c>keras-attribute</c>.</summary>
internal static class UseCommands
{
    /// <summary>Writes the folder's model as <paramref name="format"/> (ONNX or a Keras format) to <paramref name="file"/>, by default beside its weights.</summary>
    public static int Export(ModelFolder folder, string? requestedModel, string format, string? file, TextWriter output)
    {
        string extension = format switch
        {
            "onnx" => ".onnx",
            "keras" => ".keras",
            "weights.h5" => ".weights.h5",
            "h5" => ".h5",
            _ => throw new UsageException($"--format takes onnx, keras, weights.h5 or h5, not '{format}'."),
        };
        if (file is not null && !file.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--file '{file}' does not end with {extension}, the extension of --format {format}.");
        }

        (ModelEntry entry, TextClassifier classifier, _) = folder.LoadModel(requestedModel);
        IRnnModel model = classifier.Model;
        string path = file ?? folder.InFolder("model" + extension);
        string written;
        if (format == "onnx")
        {
            model.ExportOnnx(path);
            written = $"ONNX (opset {OnnxExport.OpsetVersion}; input '{OnnxExport.TokensInput}' int64 [batch, {model.Description.SeqLen}], output '{OnnxExport.ProbabilitiesOutput}' [batch, {model.Description.Classes}])";
        }
        else
        {
            model.SaveKeras(path);
            written = format == "h5" ? $"a legacy Keras .h5 file (tf.keras {KerasFiles.LegacyKerasVersion} layout)" : $"a Keras {KerasFiles.KerasVersion} {extension} file";
        }

        output.WriteLine($"Wrote {entry.Name} ({model.Description.SpecText}) as {written} to {path}.");
        return 0;
    }

    /// <summary>Prints the attribute that compiles the model a Keras file holds, and where it comes from.</summary>
    public static int KerasAttribute(string file, int seqLen, TextWriter output)
    {
        KerasArchitecture architecture = KerasFiles.ReadArchitecture(file);
        if (architecture.SeqLen is null && seqLen <= 0)
        {
            throw new UsageException($"'{file}' records no sequence length (a weights file has no config); give it with --seq-len.");
        }

        output.WriteLine(architecture.ToAttribute(seqLen));
        return 0;
    }

    /// <summary>Keras' <c>model.evaluate</c> on all 25,000 test reviews, encoded as in training.</summary>
    public static int Evaluate(ModelFolder folder, string? requestedModel, string? dataPath, string? cacheFolder, Verbosity verbosity, TextWriter output, int[]? lastTokens = null)
    {
        bool normal = verbosity != Verbosity.Quiet;
        (ModelEntry entry, TextClassifier classifier, ModelInfo info) = folder.LoadModel(requestedModel);
        IRnnModel model = classifier.Model;
        Vocabulary vocabulary = ((ImdbEncoder)classifier.Encoder).Vocabulary;
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
            output.WriteLine(rated.Line("Stars"));
        }

        if (lastTokens is not null && (info.Padding != "pre" || info.Truncating != "pre"))
        {
            throw new UsageException($"--last-tokens needs a model trained on pre-padded, pre-truncated reviews; this one has padding '{info.Padding}', truncating '{info.Truncating}'.");
        }

        foreach (int length in lastTokens ?? [])
        {
            SequenceDataset cut = LastTokens(data.Test, length);
            (double cutLoss, double cutAccuracy) = model.Evaluate(cut, info.Training.BatchSize);
            string share = model.Description.Classes == 1
                ? string.Create(CultureInfo.InvariantCulture, $", {PositiveShare(model, cut, info.Training.BatchSize):P1} called positive")
                : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Last {length} tokens: accuracy {cutAccuracy:F4} (loss {cutLoss:F4}){share}, on the test reviews cut to their last {length} tokens."));
        }

        return 0;
    }

    /// <summary>The share of sequences a sentiment model calls positive (σ(z) > 0.5), predicting in batches.</summary>
    private static double PositiveShare(IRnnModel model, SequenceDataset data, int batchSize)
    {
        float[] probabilities = new float[batchSize];
        int positive = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            Span<float> output = probabilities.AsSpan(0, count);
            model.Predict(data.Tokens.AsSpan(start * data.SeqLen, count * data.SeqLen), output);
            foreach (float probability in output)
            {
                positive += probability > 0.5f ? 1 : 0;
            }
        }

        return (double)positive / data.Count;
    }

    /// <summary>The lengths of <c>--last-tokens</c>: a comma-separated list of positive integers, or none.</summary>
    public static int[]? ParseLengths(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return text.Split(',', StringSplitOptions.TrimEntries).Select(static part =>
            int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int length) && length > 0
                ? length
                : throw new UsageException($"--last-tokens takes positive whole numbers separated by commas, such as 20,50,100; '{part}' is not one.")).ToArray();
    }

    /// <summary>
    /// Each sequence cut to its last <paramref name="length"/> tokens: the reviews are pre-padded and pre-truncated (Keras'
    /// pad_sequences), so its last positions hold the review's last tokens, and the rest become padding (id 0).
    /// </summary>
    private static SequenceDataset LastTokens(SequenceDataset data, int length)
    {
        int[] tokens = (int[])data.Tokens.Clone();
        int keepFrom = Math.Max(data.SeqLen - length, 0);
        for (int row = 0; row < data.Count; row++)
        {
            tokens.AsSpan(row * data.SeqLen, keepFrom).Clear();
        }

        return new SequenceDataset(tokens, data.Labels, data.SeqLen);
    }

    /// <summary>The probability that <paramref name="text"/> is a positive review, tokenized exactly as the training reviews were.</summary>
    public static int Predict(ModelFolder folder, string? requestedModel, string text, Verbosity verbosity, TextWriter output)
    {
        (ModelEntry entry, TextClassifier classifier, ModelInfo info) = folder.LoadModel(requestedModel);
        TextPrediction prediction = classifier.Predict(text);
        if (verbosity == Verbosity.Verbose)
        {
            RuntimeReport.Write(output);
        }

        if (verbosity != Verbosity.Quiet)
        {
            var encoder = (ImdbEncoder)classifier.Encoder;
            ImdbOptions options = encoder.Options;
            int[] encoded = encoder.Vocabulary.Encode(text, options.NumWords, options.SkipTop);
            int words = encoded.Length - 1;
            int unknown = encoded.AsSpan(1).Count(Vocabulary.OovId);
            output.WriteLine($"Model: {entry.Name} ({info.Spec}) from {folder.Path}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Text: {words} words, {unknown} outside the model's {options.NumWords:N0}-word vocabulary{(encoded.Length > options.SeqLen ? $"; the model reads only the last {options.SeqLen} tokens" : "")}."));
        }

        // Keras' binary_accuracy threshold: positive when σ(z) > 0.5; the rating model's class is the argmax.
        IReadOnlyList<float> probabilities = prediction.Probabilities;
        output.WriteLine(classifier.Model.Description.Classes > 1
            ? string.Create(CultureInfo.InvariantCulture,
                $"{prediction.Label} (probability {prediction.Probability:F4}; {string.Join(", ", probabilities.Select((p, k) => $"{ImdbReader.RatingStars[k]}: {p:F2}"))})")
            : string.Create(CultureInfo.InvariantCulture, $"{prediction.Label} (probability of positive: {probabilities[1]:F4})"));
        return 0;
    }

    /// <summary>
    /// One prediction per line of <paramref name="lines"/> (a file or standard input), in batches, as JSON Lines
    /// (<c>{"text", "label", "probability"}</c>; the rating model's label is <c>"8 stars"</c> or <c>"1 star"</c>) or as CSV rows with a header.
    /// </summary>
    public static int PredictLines(ModelFolder folder, string? requestedModel, TextReader lines, string format, TextWriter output)
    {
        if (format is not ("json" or "csv"))
        {
            throw new UsageException($"--format is json or csv, not '{format}'.");
        }

        (_, TextClassifier classifier, _) = folder.LoadModel(requestedModel);
        using var csv = format == "csv" ? Sep.New(',').Writer(static o => o with { Escape = true }).To(output, leaveOpen: true) : null;
        foreach ((string text, TextPrediction prediction) in classifier.PredictLines(lines))
        {
            if (csv is not null)
            {
                using SepWriter.Row row = csv.NewRow();
                row["text"].Set(text);
                row["label"].Set(prediction.Label);
                row["probability"].Set(prediction.Probability.ToString("F4", CultureInfo.InvariantCulture));
            }
            else
            {
                output.WriteLine(JsonLine(text, prediction.Label, prediction.Probability));
            }
        }

        return 0;
    }

    private static string JsonLine(string text, string label, float probability)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteString("label", label);
            json.WriteNumber("probability", Math.Round(probability, 4));
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
