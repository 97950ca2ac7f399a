using System.Text.Json;
using System.Text.Json.Serialization;
using RnnGen.Checkpoints;
using RnnGen.Execution;
using RnnGen.IO;
using RnnGen.Text;

namespace RnnGen.Serving;

/// <summary>One prediction: the class, its probability, and every class's probability.</summary>
/// <param name="Label">The predicted class's name.</param>
/// <param name="ClassId">The predicted class's id (the argmax, or σ(z) &gt; 0.5 for the sigmoid head).</param>
/// <param name="Probability">The predicted class's probability.</param>
/// <param name="Probabilities">Every class's probability, by id (for the sigmoid head [1 − p, p]).</param>
public sealed record TextPrediction(string Label, int ClassId, float Probability, IReadOnlyList<float> Probabilities);

/// <summary>
/// A trained text classifier as a unit: a model with its weights, the text encoder it was trained with, and its class
/// names, saved into and loaded from one folder:
/// <list type="bullet">
/// <item><c>classifier.json</c>: the model's description (<see cref="ModelDescription.SpecText"/>), the class names and
/// the encoder's kind.</item>
/// <item><c>model.safetensors</c>: the weights (<see cref="Checkpoint"/>), readable by Python's safetensors.</item>
/// <item>the encoder's files: <c>vocabulary.txt</c> and <c>text_vectorization.json</c> (<see cref="TextVectorizer"/>), or
/// <c>vocabulary.txt</c> and <c>imdb_encoding.json</c> (<see cref="ImdbEncoder"/>, the IMDB path's Keras ids).</item>
/// </list>
/// A model class is compiled into the program, so <see cref="Load"/> takes an instance of it (no reflection) and checks
/// that the folder was saved from a model of the same shapes and head.
/// </summary>
public sealed class TextClassifier
{
    /// <summary>The description file of a classifier folder.</summary>
    public const string DescriptionFileName = "classifier.json";

    /// <summary>The weights file of a classifier folder.</summary>
    public const string WeightsFileName = "model.safetensors";

    private const string Format = "rnngen-text-classifier/1";

    private TextClassifier(IRnnModel model, ITextEncoder encoder, IReadOnlyList<string> classNames)
    {
        Model = model;
        Encoder = encoder;
        ClassNames = classNames;
    }

    /// <summary>The model, with the folder's weights.</summary>
    public IRnnModel Model { get; }

    /// <summary>Turns raw text into the model's ids, as in training.</summary>
    public ITextEncoder Encoder { get; }

    /// <summary>The classes, by id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>A classifier of a trained model; checks that the encoder and the class names fit the model.</summary>
    public static TextClassifier Create(IRnnModel model, ITextEncoder encoder, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(classNames);
        string? problem = Mismatch(model.Description, encoder, classNames);
        return problem is null ? new TextClassifier(model, encoder, [.. classNames]) : throw new ArgumentException(problem);
    }

    /// <summary>Saves the classifier into <paramref name="folder"/>, each file replaced atomically.</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        Checkpoint.Save(Path.Combine(folder, WeightsFileName), Model);
        Encoder.Save(folder);
        var description = new ClassifierDescription(Format, Model.Description.SpecText, [.. ClassNames], Encoder.Kind);
        AtomicFile.WriteAllText(Path.Combine(folder, DescriptionFileName), JsonSerializer.Serialize(description, ServingJsonContext.Default.ClassifierDescription));
    }

    /// <summary>
    /// Loads a folder written by <see cref="Save"/> into <paramref name="model"/>. A folder of another model (shapes,
    /// cell, head), a missing or damaged file, or an encoder that does not fit is an <see cref="InvalidDataException"/>
    /// naming the file and what is wrong.
    /// </summary>
    public static TextClassifier Load(string folder, IRnnModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(model);
        string descriptionPath = Path.Combine(folder, DescriptionFileName);
        if (!File.Exists(descriptionPath))
        {
            throw new InvalidDataException($"'{folder}' is not a classifier folder: it has no {DescriptionFileName}.");
        }

        ClassifierDescription description;
        try
        {
            description = JsonSerializer.Deserialize(File.ReadAllText(descriptionPath), ServingJsonContext.Default.ClassifierDescription)
                ?? throw new JsonException("it holds null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{descriptionPath} is not a classifier description: {e.Message}", e);
        }

        if (description.Format != Format)
        {
            throw new InvalidDataException($"{descriptionPath} has the format '{description.Format}'; this version reads '{Format}'.");
        }

        if (description.Spec != model.Description.SpecText)
        {
            throw new InvalidDataException($"{descriptionPath} was saved from the model {description.Spec}, not {model.Description.SpecText} ({model.Description.Name}).");
        }

        ITextEncoder encoder = description.Encoder switch
        {
            TextVectorizer.EncoderKind => TextVectorizer.Load(folder),
            ImdbEncoder.EncoderKind => ImdbEncoder.Load(folder),
            _ => throw new InvalidDataException(
                $"{descriptionPath} names the text encoder '{description.Encoder}'; this version knows '{TextVectorizer.EncoderKind}' and '{ImdbEncoder.EncoderKind}'."),
        };
        string? problem = Mismatch(model.Description, encoder, description.Classes ?? []);
        if (problem is not null)
        {
            throw new InvalidDataException($"{descriptionPath}: {problem}");
        }

        Checkpoint.Load(Path.Combine(folder, WeightsFileName), model);
        return new TextClassifier(model, encoder, description.Classes!);
    }

    /// <summary>Classifies one text.</summary>
    public TextPrediction Predict(string text) => Predict([text])[0];

    /// <summary>Classifies many texts, in batches of <paramref name="batchSize"/>.</summary>
    public IReadOnlyList<TextPrediction> Predict(IReadOnlyList<string> texts, int batchSize = 256) => Predict(texts, batchSize, Model);

    /// <summary>Classifies with <paramref name="model"/>, the classifier's model or a replica of it (<see cref="TextPredictor"/>).</summary>
    internal IReadOnlyList<TextPrediction> Predict(IReadOnlyList<string> texts, int batchSize, IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var predictions = new List<TextPrediction>(texts.Count);
        int seqLen = Encoder.SequenceLength;
        int outputs = model.Description.Classes;
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, texts.Count - start);
            int[] ids = new int[count * seqLen];
            for (int i = 0; i < count; i++)
            {
                Encoder.Encode(texts[start + i], ids.AsSpan(i * seqLen, seqLen));
            }

            float[] probabilities = new float[count * outputs];
            model.Predict(ids, probabilities);
            for (int i = 0; i < count; i++)
            {
                predictions.Add(ToPrediction(probabilities.AsSpan(i * outputs, outputs)));
            }
        }

        return predictions;
    }

    /// <summary>Classifies every line of <paramref name="lines"/> as one text, streaming, in batches.</summary>
    public IEnumerable<(string Text, TextPrediction Prediction)> PredictLines(TextReader lines, int batchSize = 256)
    {
        // Checked here, not on the first MoveNext of the iterator below, so a bad call fails before reading anything.
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return PredictLinesInBatches(lines, batchSize);
    }

    private IEnumerable<(string Text, TextPrediction Prediction)> PredictLinesInBatches(TextReader lines, int batchSize)
    {
        var batch = new List<string>(batchSize);
        while (true)
        {
            string? line = lines.ReadLine();
            if (line is not null)
            {
                batch.Add(line);
            }

            if (batch.Count == batchSize || (line is null && batch.Count > 0))
            {
                IReadOnlyList<TextPrediction> predictions = Predict(batch, batchSize);
                for (int i = 0; i < batch.Count; i++)
                {
                    yield return (batch[i], predictions[i]);
                }

                batch.Clear();
            }

            if (line is null)
            {
                yield break;
            }
        }
    }

    private TextPrediction ToPrediction(ReadOnlySpan<float> output)
    {
        if (output.Length == 1)
        {
            float p = output[0];
            int id = p > 0.5f ? 1 : 0;
            return new TextPrediction(ClassNames[id], id, id == 1 ? p : 1 - p, [1 - p, p]);
        }

        int best = SoftmaxCrossEntropy.ArgMax(output);
        return new TextPrediction(ClassNames[best], best, output[best], output.ToArray());
    }

    private static string? Mismatch(ModelDescription model, ITextEncoder encoder, IReadOnlyList<string> classNames)
    {
        int classes = model.Classes == 1 ? 2 : model.Classes;
        return encoder.SequenceLength != model.SeqLen ? $"the text encoder writes {encoder.SequenceLength} ids per text, but the model {model.Name} reads {model.SeqLen}."
            : encoder.VocabularySize > model.Vocab ? $"the text encoder has {encoder.VocabularySize} ids, more than the model {model.Name}'s vocabulary of {model.Vocab}."
            : classNames.Count != classes ? $"there are {classNames.Count} class names, but the model {model.Name} has {classes} classes."
            : classNames.Any(string.IsNullOrEmpty) ? "a class name is null or empty."
            : classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Count ? $"the class names repeat: {string.Join(", ", classNames)}."
            : null;
    }
}

/// <summary>The contents of <c>classifier.json</c>.</summary>
internal sealed record ClassifierDescription(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("spec")] string Spec,
    [property: JsonPropertyName("classes")] string[]? Classes,
    [property: JsonPropertyName("encoder")] string Encoder);

[JsonSerializable(typeof(ClassifierDescription))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ServingJsonContext : JsonSerializerContext
{
}
