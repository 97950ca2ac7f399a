using System.Text.Json.Serialization;
using System.Text.Json;
using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Optimizers;
using RnnGen;
using RnnGen.Serving;
using RnnGen.Text;

namespace ImdbSample;

/// <summary>
/// The folder a training run writes and <c>evaluate</c> and <c>predict</c> read:
/// <list type="bullet">
/// <item><c>model.json</c>: which model, how its text is encoded, how it was trained and its test result (<see cref="ModelInfo"/>).</item>
/// <item><c>classifier.json</c>, <c>model.safetensors</c>, <c>vocabulary.txt</c>, <c>imdb_encoding.json</c>: the trained
/// model as the runtime's <see cref="TextClassifier"/> saves it (the model description and class names, the weights
/// readable by Python's safetensors, the training vocabulary one word per line by rank, and the encoding options of
/// <see cref="ImdbEncoder"/>), so any program with the model class loads it with <c>TextClassifier.Load</c>.</item>
/// <item><c>history.json</c>, <c>history.csv</c>: Keras' <c>history.history</c>, one entry per epoch.</item>
/// <item><c>curves.png</c>: training and validation accuracy and loss per epoch.</item>
/// <item><c>backup.safetensors</c>: only while a run is unfinished (<see cref="RnnGen.Training.BackupAndRestore"/>); the next run resumes from it.</item>
/// </list>
/// </summary>
internal sealed class ModelFolder(string path)
{
    /// <summary>The folder.</summary>
    public string Path { get; } = path;

    public string InfoPath => InFolder("model.json");

    public string WeightsPath => InFolder("model.safetensors");

    public string VocabularyPath => InFolder("vocabulary.txt");

    public string HistoryJsonPath => InFolder("history.json");

    public string HistoryCsvPath => InFolder("history.csv");

    public string CurvesPath => InFolder("curves.png");

    public string BackupPath => InFolder("backup.safetensors");

    /// <summary>Where <c>export --format onnx</c> writes the model by default.</summary>
    public string OnnxPath => InFolder("model.onnx");

    /// <summary>Where <c>export --format keras</c> writes the model by default.</summary>
    public string KerasPath => InFolder("model.keras");

    /// <summary>The folder a model is trained into when <c>--output</c> is not given: <c>out/&lt;name&gt;</c> under the current directory.</summary>
    public static string DefaultFor(string modelName) => System.IO.Path.Combine("out", modelName);

    public void WriteInfo(ModelInfo info)
    {
        RnnGen.IO.AtomicFile.WriteAllText(InfoPath, JsonSerializer.Serialize(info, SampleJsonContext.Default.ModelInfo));
    }

    /// <summary>Reads <c>model.json</c>; a missing folder or file, or one that cannot be read, is a <see cref="UsageException"/>.</summary>
    public ModelInfo ReadInfo()
    {
        if (!Directory.Exists(Path))
        {
            throw new UsageException($"There is no model folder '{Path}'; train one first with: train --output {Path}");
        }

        if (!File.Exists(InfoPath))
        {
            throw new UsageException($"'{Path}' is not a model folder: it has no model.json; train one into it with: train --output {Path}");
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(InfoPath), SampleJsonContext.Default.ModelInfo)
                ?? throw new JsonException("it holds null");
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{InfoPath}' is not a valid model description: {e.Message}");
        }
    }

    /// <summary>
    /// Creates the model that <c>model.json</c> names and loads the classifier (weights, vocabulary, encoding, class
    /// names) with <see cref="TextClassifier.Load"/>. <paramref name="requestedModel"/>, when given, must be that model.
    /// A folder of another shape or cell, or a damaged file, is a <see cref="UsageException"/> naming the file.
    /// </summary>
    public (ModelEntry Entry, TextClassifier Classifier, ModelInfo Info) LoadModel(string? requestedModel)
    {
        ModelInfo info = ReadInfo();
        ModelEntry? entry = ModelCatalog.All.FirstOrDefault(e => e.Name == info.Model);
        if (entry is null)
        {
            throw new UsageException(
                $"'{InfoPath}' names the model '{info.Model}', which this program does not have (it has: {string.Join(", ", ModelCatalog.All.Select(static e => e.Name))}).");
        }

        if (requestedModel is not null && !string.Equals(requestedModel, entry.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"'{Path}' holds a '{entry.Name}' model, not '{requestedModel}'; leave out --model, or pass the folder of a '{requestedModel}' model with --output.");
        }

        IRnnModel model = entry.Create(0);
        string spec = model.Description.SpecText;
        if (info.Spec != spec)
        {
            throw new UsageException($"'{Path}' holds a '{entry.Name}' model of shape {info.Spec}, but this program's '{entry.Name}' is {spec}; train it again.");
        }

        CheckEncoding(info, model.Description, entry.Name);
        if (!File.Exists(WeightsPath))
        {
            throw new UsageException($"'{Path}' has no model.safetensors; train the model into it with: train --model {entry.Name} --output {Path}");
        }

        TextClassifier classifier;
        try
        {
            // Folders trained before the classifier files existed hold the same things as model.json + vocabulary.txt.
            classifier = File.Exists(InFolder(TextClassifier.DescriptionFileName))
                ? TextClassifier.Load(Path, model)
                : LoadWithoutClassifierFiles(model, info);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }

        if (classifier.Encoder is not ImdbEncoder encoder || encoder.Options.NumWords != info.NumWords || encoder.Options.SkipTop != info.SkipTop
            || ModelInfo.EncodingNames(encoder.Options) != (info.Padding, info.Truncating))
        {
            throw new UsageException($"'{InfoPath}' and the classifier files in '{Path}' give different text encodings; train the model again.");
        }

        return (entry, classifier, info);
    }

    private TextClassifier LoadWithoutClassifierFiles(IRnnModel model, ModelInfo info)
    {
        Vocabulary vocabulary = Vocabulary.Load(VocabularyPath);
        Checkpoint.Load(WeightsPath, model);
        return TextClassifier.Create(model, new ImdbEncoder(vocabulary, info.ToDataOptions()), ClassNamesOf(model.Description));
    }

    /// <summary>Saves a trained model as a <see cref="TextClassifier"/> with the IMDB encoding of <paramref name="options"/>.</summary>
    public void SaveClassifier(IRnnModel model, Vocabulary vocabulary, ImdbOptions options) =>
        TextClassifier.Create(model, new ImdbEncoder(vocabulary, options), ClassNamesOf(model.Description)).Save(Path);

    /// <summary>The classes: negative and positive for the sentiment model, the star ratings for the rating model.</summary>
    public static string[] ClassNamesOf(ModelDescription description) => description.Classes == 1
        ? ["negative", "positive"]
        : [.. ImdbReader.RatingStars.Select(StarsName)];

    /// <summary>A rating as text: <c>1 star</c>, <c>8 stars</c>.</summary>
    public static string StarsName(int stars) => stars == 1 ? "1 star" : $"{stars} stars";

    /// <summary>
    /// The text encoding model.json records must be the one the compiled model was trained with: num_words is its
    /// vocabulary (a smaller one maps words to other ids, a larger one to ids past the embedding), seq_len its sequence
    /// length (another would cut the text elsewhere or split it into several rows), skip_top below num_words, and
    /// padding and truncating 'pre' or 'post'. A hand-edited or foreign file is named, field by field.
    /// </summary>
    private void CheckEncoding(ModelInfo info, ModelDescription description, string name)
    {
        string? problem =
            info.NumWords != description.Vocab ? $"num_words is {info.NumWords}, but the '{name}' model has a vocabulary of {description.Vocab} ids"
            : info.SeqLen != description.SeqLen ? $"seq_len is {info.SeqLen}, but the '{name}' model reads sequences of {description.SeqLen} tokens"
            : info.SkipTop < 0 || info.SkipTop >= info.NumWords ? $"skip_top is {info.SkipTop}, but it must be from 0 to {info.NumWords - 1}"
            : info.Padding is not ("pre" or "post") ? $"padding is '{info.Padding}', but it must be 'pre' or 'post'"
            : info.Truncating is not ("pre" or "post") ? $"truncating is '{info.Truncating}', but it must be 'pre' or 'post'"
            : info.Labels is not ("sentiment" or "rating") || (info.Labels == "rating") != (description.Classes > 1)
                ? $"labels is '{info.Labels}', but the '{name}' model predicts {(description.Classes > 1 ? "'rating'" : "'sentiment'")}"
            : null;
        if (problem is not null)
        {
            throw new UsageException($"'{InfoPath}': {problem}; the file was edited or belongs to another build of the model. Train it again.");
        }
    }

    public string InFolder(string name) => System.IO.Path.Combine(Path, name);
}

/// <summary>The contents of <c>model.json</c>: enough to rebuild the model and encode text exactly as in training.</summary>
internal sealed record ModelInfo
{
    /// <summary>The catalog name (<c>--model</c>).</summary>
    public required string Model { get; init; }

    /// <summary>The model's <see cref="ModelDescription.SpecText"/>, checked against the program's model on load.</summary>
    public required string Spec { get; init; }

    /// <summary>Keras' <c>num_words</c>: ids from this on became the OOV id 2.</summary>
    public required int NumWords { get; init; }

    /// <summary>Keras' <c>skip_top</c>.</summary>
    public int SkipTop { get; init; }

    /// <summary>The <c>maxlen</c> of <c>pad_sequences</c>.</summary>
    public required int SeqLen { get; init; }

    /// <summary><c>pre</c> or <c>post</c>.</summary>
    public string Padding { get; init; } = "pre";

    /// <summary><c>pre</c> or <c>post</c>.</summary>
    public string Truncating { get; init; } = "pre";

    /// <summary>What the labels are: <c>sentiment</c> (0/1) or <c>rating</c> (8 star classes).</summary>
    public string Labels { get; init; } = "sentiment";

    /// <summary>How the model was trained.</summary>
    public required TrainingInfo Training { get; init; }

    /// <summary>The result on the whole test split; null when training was interrupted.</summary>
    public TestResult? Test { get; init; }

    /// <summary>The data options that encode text as training did.</summary>
    public ImdbOptions ToDataOptions() => new()
    {
        NumWords = NumWords,
        SkipTop = SkipTop,
        SeqLen = SeqLen,
        Padding = Padding == "post" ? RnnGen.Data.Padding.Post : RnnGen.Data.Padding.Pre,
        Truncating = Truncating == "post" ? RnnGen.Data.Truncating.Post : RnnGen.Data.Truncating.Pre,
        Labels = Labels == "rating" ? ImdbLabels.Rating : ImdbLabels.Sentiment,
    };

    /// <summary>The options' encoding settings, as stored.</summary>
    public static (string Padding, string Truncating) EncodingNames(ImdbOptions options) =>
        (options.Padding == RnnGen.Data.Padding.Post ? "post" : "pre", options.Truncating == RnnGen.Data.Truncating.Post ? "post" : "pre");
}

/// <summary>How a model was trained.</summary>
/// <param name="Optimizer">The optimizer's Keras name.</param>
/// <param name="LearningRate">Its learning rate.</param>
/// <param name="BatchSize">The batch size.</param>
/// <param name="Seed">The seed of the initial weights and of the per-epoch shuffle.</param>
/// <param name="ValidationSplit">The fraction of the training reviews held out for validation.</param>
/// <param name="Epochs">The epochs asked for.</param>
/// <param name="EpochsRun">The epochs trained (fewer after an early stop).</param>
/// <param name="BestEpoch">The 1-based epoch whose weights were kept (EarlyStopping's restore_best_weights).</param>
/// <param name="Completed">False when training was interrupted; a run with the same options then resumes it.</param>
/// <param name="SecondsPerEpoch">The mean time of a whole epoch (training and validation) in the last run.</param>
/// <param name="Data">The archive or folder the reviews came from.</param>
internal sealed record TrainingInfo(
    string Optimizer, float LearningRate, int BatchSize, int Seed, double ValidationSplit, int Epochs, int EpochsRun, int? BestEpoch,
    bool Completed, double? SecondsPerEpoch, string Data);

/// <summary>Keras' <c>model.evaluate</c> on the test split.</summary>
/// <param name="Loss">The mean binary cross-entropy.</param>
/// <param name="Accuracy">The binary accuracy.</param>
/// <param name="Reviews">The number of test reviews.</param>
internal sealed record TestResult(double Loss, double Accuracy, int Reviews)
{
    /// <summary>The rating model: the share of reviews rated within one star of the truth.</summary>
    public double? WithinOneStar { get; init; }

    /// <summary>The rating model: the mean absolute error in stars.</summary>
    public double? MeanAbsoluteErrorStars { get; init; }
}

/// <summary>Source-generated JSON for <c>model.json</c>: no reflection, so the sample publishes with NativeAOT.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelInfo))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
