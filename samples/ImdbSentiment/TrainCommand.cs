using System.Diagnostics;
using System.Globalization;
using RnnGen;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Plotting;
using RnnGen.Training;

namespace ImdbSample;

/// <summary>How much the commands print.</summary>
internal enum Verbosity
{
    /// <summary>Only the results.</summary>
    Quiet,

    /// <summary>The summary, data, progress bar and results.</summary>
    Normal,

    /// <summary>Also the settings and every file written.</summary>
    Verbose,
}

/// <summary>The options of <c>train</c>; a null knob takes the model's recipe value.</summary>
internal sealed record TrainOptions
{
    public required ModelEntry Model { get; init; }

    public required string Output { get; init; }

    public string? DataPath { get; init; }

    public string? CacheFolder { get; init; }

    public int? Epochs { get; init; }

    public int? BatchSize { get; init; }

    public float? LearningRate { get; init; }

    public int? Patience { get; init; }

    public int Seed { get; init; }

    public Verbosity Verbosity { get; init; } = Verbosity.Normal;
}

/// <summary>
/// <c>train</c>: Keras' <c>model.fit</c> on IMDB with the model's recipe, then <c>model.evaluate</c> on all 25,000 test
/// reviews, then everything a later <c>evaluate</c> or <c>predict</c> needs is saved (see <see cref="ModelFolder"/>).
/// </summary>
internal static class TrainCommand
{
    /// <summary>The exit code after Ctrl+C, as shells report a process ended by SIGINT (128 + 2).</summary>
    public const int InterruptedExitCode = 130;

    public static int Run(TrainOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ModelEntry entry = options.Model;
        TrainingRecipe recipe = entry.Recipe;
        int epochs = Positive(options.Epochs ?? recipe.Epochs, "--epochs");
        int batchSize = Positive(options.BatchSize ?? recipe.BatchSize, "--batch-size");
        int patience = options.Patience ?? recipe.Patience;
        float learningRate = options.LearningRate ?? recipe.LearningRate;
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
        {
            throw new UsageException($"--learning-rate must be a positive number, not {learningRate.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (patience < 0)
        {
            throw new UsageException($"--patience must be 0 or more, not {patience}.");
        }

        bool normal = options.Verbosity != Verbosity.Quiet;
        bool verbose = options.Verbosity == Verbosity.Verbose;
        IRnnModel model = entry.Create(options.Seed);
        ModelDescription description = model.Description;
        if (normal)
        {
            output.Write(model.Summary());
        }

        if (verbose)
        {
            // Keras' model.weights: the tensors of the one parameter buffer, in checkpoint order.
            foreach (TensorInfo tensor in description.Tensors)
            {
                output.WriteLine(Invariant($"  {tensor.Name,-32} {tensor.ShapeText,-14} offset {tensor.Offset}"));
            }

            RuntimeReport.Write(output);
        }

        // The loader's own lines say where the data was found, whether the encoded cache served it, and how long it took.
        var dataOptions = new ImdbOptions
        {
            NumWords = description.Vocab,
            SeqLen = description.SeqLen,
            DataPath = options.DataPath,
            CacheFolder = options.CacheFolder,
            Log = normal ? output : null,
        };
        var clock = Stopwatch.StartNew();
        ImdbDataset data = ImdbDataset.Load(dataOptions);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        if (verbose)
        {
            output.WriteLine(Invariant(
                $"Encoding: num_words={dataOptions.NumWords}, maxlen={dataOptions.SeqLen}, padding and truncating 'pre', load_data's shuffle seed {dataOptions.ShuffleSeed}; encoded cache {data.CachePath ?? "none"}"));
        }

        // Keras' validation_split: the last 20% of the training arrays, which load_data shuffled once (seed 113).
        (SequenceDataset train, SequenceDataset validation) = data.Train.SplitValidation(recipe.ValidationSplit);
        Optimizer optimizer = recipe.CreateOptimizer(learningRate);
        var folder = new ModelFolder(options.Output);
        if (normal)
        {
            output.WriteLine(Invariant(
                $"Data: {data.Train.Count:N0} training reviews ({train.Count:N0} to train, the last {validation.Count:N0} to validate) and {data.Test.Count:N0} test reviews, loaded in {loadSeconds:F2} s ({DescribeOrigin(data.Source)})."));
            output.WriteLine(Invariant(
                $"Training: {optimizer.Name}(learning_rate={learningRate:G}), batch size {batchSize}, up to {epochs} epoch{(epochs == 1 ? "" : "s")}, EarlyStopping(monitor=val_loss, patience={patience}, restore_best_weights=True), seed {options.Seed}; output folder {folder.Path}"));
        }

        bool resuming = File.Exists(folder.BackupPath);
        if (resuming && normal)
        {
            output.WriteLine($"Resuming the interrupted run saved in {folder.BackupPath} ({DescribePosition(folder.BackupPath)}); delete that file to start over.");
        }
        else if (normal)
        {
            output.WriteLine("Ctrl+C stops after the current batch and saves; running the same command again resumes.");
        }

        var earlyStopping = new EarlyStopping(monitor: "val_loss", patience: patience, restoreBestWeights: true);
        var monitor = new RunMonitor();
        Directory.CreateDirectory(folder.Path);
        History history;
        try
        {
            history = model.Fit(
                train, epochs, batchSize, optimizer, validation: validation, seed: options.Seed,
                callbacks: [new BackupAndRestore(folder.BackupPath), earlyStopping, monitor],
                output: output, verbose: normal ? 1 : 0, cancellationToken: cancellationToken);
        }
        catch (TrainingDivergedException e)
        {
            // Nothing is saved over the folder: a model file, if any, is the previous run's; the backup holds the last
            // finite epoch of this one.
            string kept = File.Exists(folder.BackupPath) ? $" The last finite epoch is kept in {folder.BackupPath}; delete it to start over." : string.Empty;
            throw new UsageException($"{e.Message} Nothing was saved.{kept}");
        }
        catch (Exception e) when (resuming && e is CheckpointException or ArgumentException)
        {
            // The backup belongs to another model or to a run with other data or settings: say so, and how to start over.
            string message = e is ArgumentException { ParamName: string name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            throw new UsageException($"{message} To start over instead, delete {folder.BackupPath}.");
        }

        int? bestEpoch = earlyStopping.RestoreBestWeights && monitor.EpochsRun > 0 ? earlyStopping.BestEpoch + 1 : null;
        double? secondsPerEpoch = monitor.FullEpochSeconds.Count > 0 ? monitor.FullEpochSeconds.Average() : null;
        if (normal && bestEpoch is int best)
        {
            output.WriteLine(Invariant($"Kept the weights of epoch {best} (lowest val_loss, {earlyStopping.Best:F4}){(earlyStopping.StoppedEpoch > 0 ? $"; stopped early after epoch {earlyStopping.StoppedEpoch + 1}" : "")}."));
        }

        TestResult? test = null;
        if (!monitor.Interrupted)
        {
            clock.Restart();
            (double loss, double accuracy) = model.Evaluate(data.Test, batchSize);
            test = new TestResult(loss, accuracy, data.Test.Count);
            output.WriteLine(Invariant($"Test accuracy: {accuracy:F4} (loss {loss:F4}) on all {data.Test.Count:N0} test reviews, evaluated in {clock.Elapsed.TotalSeconds:F1} s."));
            output.WriteLine(secondsPerEpoch is double seconds
                ? Invariant($"Epochs: {history.Count} trained, {seconds:F1} s per epoch (training and validation, mean of {monitor.FullEpochSeconds.Count} in this run).")
                : Invariant($"Epochs: {history.Count} trained."));
        }

        (string padding, string truncating) = ModelInfo.EncodingNames(dataOptions);
        var info = new ModelInfo
        {
            Model = entry.Name,
            Spec = description.SpecText,
            NumWords = description.Vocab,
            SeqLen = description.SeqLen,
            Padding = padding,
            Truncating = truncating,
            Training = new TrainingInfo(
                optimizer.Name, learningRate, batchSize, options.Seed, recipe.ValidationSplit, epochs, history.Count, bestEpoch,
                !monitor.Interrupted, secondsPerEpoch, data.Source?.Path ?? ""),
            Test = test,
        };
        Save(folder, model, data.Vocabulary, history, info);
        if (monitor.Interrupted)
        {
            output.WriteLine($"Interrupted: the weights so far are saved in {folder.Path}, and {folder.BackupPath} holds the exact position; run the same command again to resume.");
            return InterruptedExitCode;
        }

        output.WriteLine($"Saved in {folder.Path}: {string.Join(", ", ListFiles(folder))}");
        if (verbose)
        {
            foreach (string file in Directory.EnumerateFiles(folder.Path).Order(StringComparer.Ordinal))
            {
                output.WriteLine($"  {Path.GetFullPath(file)}");
            }
        }

        return 0;
    }

    private static void Save(ModelFolder folder, IRnnModel model, Vocabulary vocabulary, History history, ModelInfo info)
    {
        // Weights only, as Keras' save_weights: the optimizer state belongs to the backup, which resumes training.
        Checkpoint.Save(folder.WeightsPath, model);
        vocabulary.Save(folder.VocabularyPath);
        history.SaveJson(folder.HistoryJsonPath);
        history.SaveCsv(folder.HistoryCsvPath);
        if (history.Count > 0)
        {
            TrainingCurves.SavePng(history, folder.CurvesPath);
        }

        // Last, so that a folder with a model.json always has the files it describes.
        folder.WriteInfo(info);
    }

    private static IEnumerable<string> ListFiles(ModelFolder folder) =>
        new DirectoryInfo(folder.Path).EnumerateFiles()
            .OrderBy(static file => file.Name, StringComparer.Ordinal)
            .Select(static file => Invariant($"{file.Name} ({Size(file.Length)})"));

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => Invariant($"{bytes} B"),
        < 1024 * 1024 => Invariant($"{bytes / 1024.0:F1} KB"),
        _ => Invariant($"{bytes / (1024.0 * 1024):F1} MB"),
    };

    private static string DescribeOrigin(DataLocation? location) => location?.Origin switch
    {
        DataOrigin.ExplicitPath => "from --data",
        DataOrigin.EnvironmentVariable => $"from {DataLocator.EnvironmentVariable}",
        DataOrigin.SharedFolder => "found in the shared data folder",
        DataOrigin.Cache => "found in the cache folder",
        DataOrigin.Download => "downloaded",
        _ => "given as reviews",
    };

    private static string DescribePosition(string backupPath)
    {
        IReadOnlyDictionary<string, string> metadata = Checkpoint.ReadHeader(backupPath).Metadata;
        return int.TryParse(metadata.GetValueOrDefault(CheckpointMetadata.TrainingEpoch), CultureInfo.InvariantCulture, out int epoch)
            && int.TryParse(metadata.GetValueOrDefault(CheckpointMetadata.TrainingStep), CultureInfo.InvariantCulture, out int step)
            ? (step == 0 ? $"before epoch {epoch + 1}" : $"epoch {epoch + 1}, after batch {step}")
            : "no training position";
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be at least 1, not {value}.");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Times whole epochs and notes an interruption: what <c>train</c> reports besides the history.</summary>
    private sealed class RunMonitor : Callback
    {
        private long _epochStart;
        private bool _epochFromStart;

        /// <summary>The durations of the epochs this run trained from their first batch (a resumed partial epoch is left out).</summary>
        public List<double> FullEpochSeconds { get; } = [];

        /// <summary>The epochs finished in this run.</summary>
        public int EpochsRun { get; private set; }

        /// <summary>Whether the run stopped on its cancellation token.</summary>
        public bool Interrupted { get; private set; }

        public override void OnEpochBegin(TrainingContext context, int epoch)
        {
            _epochFromStart = context.Position.Step == 0;
            _epochStart = Stopwatch.GetTimestamp();
        }

        public override void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs)
        {
            EpochsRun++;
            if (_epochFromStart)
            {
                FullEpochSeconds.Add(Stopwatch.GetElapsedTime(_epochStart).TotalSeconds);
            }
        }

        public override void OnInterrupted(TrainingContext context) => Interrupted = true;
    }
}
