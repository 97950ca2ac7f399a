using System.Diagnostics;
using System.Globalization;
using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Optimizers;
using RnnGen.Plotting;
using RnnGen.Training;
using RnnGen;

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

    public bool BucketByLength { get; init; }

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

    /// <summary>Trains, evaluates and saves; each step is a method below. Returns the exit code.</summary>
    /// <remarks>
    /// The steps run in the order they always have. The same seed gives the same weights only while every draw from a
    /// generator (the initial weights, the shuffles) and every step that touches the model, optimizer or data happens in
    /// the same order, so keep it when changing them.
    /// </remarks>
    public static int Run(TrainOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        TrainSettings settings = TrainSettings.From(options);
        IRnnModel model = CreateModel(settings, output);
        ModelDescription description = model.Description;
        LoadedData data = LoadData(settings, description, output);

        // Keras' validation_split: the last 20% of the training arrays, which load_data shuffled once (seed 113).
        (SequenceDataset train, SequenceDataset validation) = data.Dataset.Train.SplitValidation(settings.Recipe.ValidationSplit);
        Optimizer optimizer = settings.Recipe.CreateOptimizer(settings.LearningRate);
        PrintDataAndSettings(settings, data, train.Count, validation.Count, optimizer.Name, output);
        bool resuming = File.Exists(settings.Folder.BackupPath);
        PrintHowToStopOrResume(settings, resuming, output);

        FitOutcome fit = Train(model, train, validation, optimizer, settings, resuming, output, cancellationToken);
        PrintKeptWeights(settings, fit, output);
        TestResult? test = null;
        if (!fit.Interrupted)
        {
            test = EvaluateOnTestReviews(model, data.Dataset, settings.Model.Labels, settings.BatchSize, output);
            PrintEpochs(fit, output);
        }

        ModelInfo info = DescribeRun(settings, description, data, optimizer.Name, fit, test);
        Save(settings.Folder, model, data.Dataset.Vocabulary, fit.History, info);
        if (fit.Interrupted)
        {
            PrintInterrupted(settings.Folder, output);
            return InterruptedExitCode;
        }

        PrintSavedFiles(settings, output);
        return 0;
    }

    /// <summary>
    /// Creates the model, its initial weights drawn from the seed, and prints its Keras summary (verbose: also its weights
    /// and the runtime).
    /// </summary>
    private static IRnnModel CreateModel(TrainSettings settings, TextWriter output)
    {
        IRnnModel model = settings.Model.Create(settings.Seed);
        if (settings.PrintsReport)
        {
            output.Write(model.Summary());
        }

        if (settings.PrintsDetails)
        {
            // Keras' model.weights: the tensors of the one parameter buffer, in checkpoint order.
            foreach (TensorInfo tensor in model.Description.Tensors)
            {
                output.WriteLine(Invariant($"  {tensor.Name,-32} {tensor.ShapeText,-14} offset {tensor.Offset}"));
            }

            RuntimeReport.Write(output);
        }

        return model;
    }

    /// <summary>Loads IMDB encoded for the model, timing the load for the Data line.</summary>
    private static LoadedData LoadData(TrainSettings settings, ModelDescription description, TextWriter output)
    {
        // The loader's own lines say where the data was found, whether the encoded cache served it, and how long it took.
        var options = new ImdbOptions
        {
            NumWords = description.Vocab,
            SeqLen = description.SeqLen,
            Labels = settings.Model.Labels,
            DataPath = settings.DataPath,
            CacheFolder = settings.CacheFolder,
            Log = settings.PrintsReport ? output : null,
        };
        var clock = Stopwatch.StartNew();
        ImdbDataset dataset = ImdbDataset.Load(options);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        if (settings.PrintsDetails)
        {
            string sizes = Invariant($"num_words={options.NumWords}, maxlen={options.SeqLen}");
            string shuffle = Invariant($"load_data's shuffle seed {options.ShuffleSeed}");
            output.WriteLine(Invariant($"Encoding: {sizes}, padding and truncating 'pre', {shuffle}; encoded cache {dataset.CachePath ?? "none"}"));
        }

        return new LoadedData(dataset, options, loadSeconds);
    }

    private static void PrintDataAndSettings(
        TrainSettings settings, LoadedData data, int trainCount, int validationCount, string optimizerName, TextWriter output)
    {
        if (!settings.PrintsReport)
        {
            return;
        }

        ImdbDataset dataset = data.Dataset;
        string split = Invariant($"{trainCount:N0} to train, the last {validationCount:N0} to validate");
        string loaded = Invariant($"loaded in {data.LoadSeconds:F2} s ({DescribeOrigin(dataset.Source)})");
        output.WriteLine(Invariant($"Data: {dataset.Train.Count:N0} training reviews ({split}) and {dataset.Test.Count:N0} test reviews, {loaded}."));

        string optimizer = Invariant($"{optimizerName}(learning_rate={settings.LearningRate:G})");
        string epochs = Invariant($"up to {settings.Epochs} epoch{(settings.Epochs == 1 ? "" : "s")}");
        string earlyStopping = Invariant($"EarlyStopping(monitor=val_loss, patience={settings.Patience}, restore_best_weights=True)");
        string buckets = settings.BucketByLength ? ", batches grouped by review length" : string.Empty;
        string plateau = settings.Recipe.Plateau is { } schedule
            ? Invariant($", ReduceLROnPlateau(monitor=val_loss, factor={schedule.Factor:G}, patience={schedule.Patience})")
            : string.Empty;
        string run = Invariant($"{optimizer}, batch size {settings.BatchSize}{buckets}, {epochs}, {earlyStopping}{plateau}, seed {settings.Seed}");
        output.WriteLine($"Training: {run}; output folder {settings.Folder.Path}");
    }

    private static void PrintHowToStopOrResume(TrainSettings settings, bool resuming, TextWriter output)
    {
        if (!settings.PrintsReport)
        {
            return;
        }

        if (resuming)
        {
            string backupPath = settings.Folder.BackupPath;
            output.WriteLine($"Resuming the interrupted run saved in {backupPath} ({DescribePosition(backupPath)}); delete that file to start over.");
        }
        else
        {
            output.WriteLine("Ctrl+C stops after the current batch and saves; running the same command again resumes.");
        }
    }

    /// <summary>
    /// Keras' model.fit with EarlyStopping(monitor="val_loss", restore_best_weights=True) and BackupAndRestore into the
    /// output folder, resuming from a backup found there. A run that cannot go on becomes a <see cref="UsageException"/>.
    /// </summary>
    private static FitOutcome Train(
        IRnnModel model, SequenceDataset train, SequenceDataset validation, Optimizer optimizer, TrainSettings settings, bool resuming,
        TextWriter output, CancellationToken cancellationToken)
    {
        ModelFolder folder = settings.Folder;
        var earlyStopping = new EarlyStopping(monitor: "val_loss", patience: settings.Patience, restoreBestWeights: true);
        var monitor = new RunMonitor();
        Directory.CreateDirectory(folder.Path);
        var backup = new BackupAndRestore(folder.BackupPath);
        List<Callback> callbacks = [backup, earlyStopping, monitor];
        if (settings.Recipe.Plateau is { } plateau)
        {
            callbacks.Insert(1, new ReduceLROnPlateau(monitor: "val_loss", factor: plateau.Factor, patience: plateau.Patience));
        }

        History history;
        try
        {
            history = model.Fit(
                train, settings.Epochs, settings.BatchSize, optimizer, validation: validation, seed: settings.Seed,
                callbacks: callbacks,
                output: output, verbose: settings.PrintsReport ? 1 : 0, cancellationToken: cancellationToken,
                bucketByLength: settings.BucketByLength); // a masked model then skips the padding of a batch of short reviews
        }
        catch (TrainingDivergedException e)
        {
            // Nothing is saved over the folder: a model file, if any, is the previous run's; the backup holds the last
            // finite epoch of this one.
            string kept = File.Exists(folder.BackupPath)
                ? $" The last finite epoch is kept in {folder.BackupPath}; delete it to start over."
                : string.Empty;
            throw new UsageException($"{e.Message} Nothing was saved.{kept}");
        }
        catch (CheckpointException e) when (resuming)
        {
            // The backup belongs to another model, is damaged, or was saved by a run with other data or settings: say so,
            // and how to start over.
            throw new UsageException($"{e.Message} To start over instead, delete {folder.BackupPath}.");
        }

        return new FitOutcome(
            history,
            monitor.Interrupted,
            BestEpoch: earlyStopping.RestoreBestWeights && monitor.EpochsRun > 0 ? earlyStopping.BestEpoch + 1 : null,
            BestValLoss: earlyStopping.Best,
            StoppedEarlyAfterEpoch: earlyStopping.StoppedEpoch > 0 ? earlyStopping.StoppedEpoch + 1 : null,
            SecondsPerEpoch: monitor.FullEpochSeconds.Count > 0 ? monitor.FullEpochSeconds.Average() : null,
            TimedEpochs: monitor.FullEpochSeconds.Count);
    }

    private static void PrintKeptWeights(TrainSettings settings, FitOutcome fit, TextWriter output)
    {
        if (settings.PrintsReport && fit.BestEpoch is int best)
        {
            string stoppedEarly = fit.StoppedEarlyAfterEpoch is int stopped ? Invariant($"; stopped early after epoch {stopped}") : "";
            output.WriteLine(Invariant($"Kept the weights of epoch {best} (lowest val_loss, {fit.BestValLoss:F4}){stoppedEarly}."));
        }
    }

    /// <summary>Keras' model.evaluate on every test review, printed even with --quiet: the result the run is for.</summary>
    private static TestResult EvaluateOnTestReviews(IRnnModel model, ImdbDataset data, ImdbLabels labels, int batchSize, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        SequenceDataset test = data.Test;
        (double loss, double accuracy) = model.Evaluate(test, batchSize);
        output.WriteLine(Invariant(
            $"Test accuracy: {accuracy:F4} (loss {loss:F4}) on all {test.Count:N0} test reviews, evaluated in {clock.Elapsed.TotalSeconds:F1} s."));
        if (labels != ImdbLabels.Rating)
        {
            return new TestResult(loss, accuracy, test.Count);
        }

        (RatingMetrics.Figures rated, RatingMetrics.Figures majority, int majorityStars) = RatingMetrics.Evaluate(model, test, data.Train, batchSize);
        output.WriteLine(rated.Line("Stars"));
        output.WriteLine(majority.Line($"Majority baseline (always {ModelFolder.StarsName(majorityStars)})"));
        return new TestResult(loss, accuracy, test.Count) { WithinOneStar = rated.WithinOneStar, MeanAbsoluteErrorStars = rated.MeanAbsoluteError };
    }

    private static void PrintEpochs(FitOutcome fit, TextWriter output)
    {
        string trained = Invariant($"Epochs: {fit.History.Count} trained");
        output.WriteLine(fit.SecondsPerEpoch is double seconds
            ? Invariant($"{trained}, {seconds:F1} s per epoch (training and validation, mean of {fit.TimedEpochs} in this run).")
            : $"{trained}.");
    }

    /// <summary>The contents of model.json: how to rebuild the model and encode text as in training, and how the run went.</summary>
    private static ModelInfo DescribeRun(
        TrainSettings settings, ModelDescription description, LoadedData data, string optimizerName, FitOutcome fit, TestResult? test)
    {
        (string padding, string truncating) = ModelInfo.EncodingNames(data.Options);
        return new ModelInfo
        {
            Model = settings.Model.Name,
            Spec = description.SpecText,
            NumWords = description.Vocab,
            SeqLen = description.SeqLen,
            Padding = padding,
            Truncating = truncating,
            Labels = data.Options.Labels == ImdbLabels.Rating ? "rating" : "sentiment",
            Training = new TrainingInfo(
                optimizerName, settings.LearningRate, settings.BatchSize, settings.Seed, settings.Recipe.ValidationSplit, settings.Epochs,
                fit.History.Count, fit.BestEpoch, !fit.Interrupted, fit.SecondsPerEpoch, data.Dataset.Source?.Path ?? ""),
            Test = test,
        };
    }

    private static void PrintInterrupted(ModelFolder folder, TextWriter output) =>
        output.WriteLine($"Interrupted: the weights so far are saved in {folder.Path}, and {folder.BackupPath} holds the exact position; "
            + "run the same command again to resume.");

    private static void PrintSavedFiles(TrainSettings settings, TextWriter output)
    {
        ModelFolder folder = settings.Folder;
        output.WriteLine($"Saved in {folder.Path}: {string.Join(", ", ListFiles(folder))}");
        if (settings.PrintsDetails)
        {
            foreach (string file in Directory.EnumerateFiles(folder.Path).Order(StringComparer.Ordinal))
            {
                output.WriteLine($"  {Path.GetFullPath(file)}");
            }
        }
    }

    private static void Save(ModelFolder folder, IRnnModel model, Vocabulary vocabulary, History history, ModelInfo info)
    {
        // Weights only, as Keras' save_weights: the optimizer state belongs to the backup, which resumes training.
        folder.SaveClassifier(model, vocabulary, info.ToDataOptions());
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The loaded reviews, the options that encoded them (model.json records their encoding) and the load time.</summary>
    private sealed record LoadedData(ImdbDataset Dataset, ImdbOptions Options, double LoadSeconds);

    /// <summary>What the fit leaves for the report and for model.json.</summary>
    /// <param name="History">Every epoch trained, a resumed run's earlier ones included.</param>
    /// <param name="Interrupted">Whether Ctrl+C stopped the run; the backup then holds its exact position.</param>
    /// <param name="BestEpoch">The 1-based epoch whose weights EarlyStopping put back; null when this run finished no epoch.</param>
    /// <param name="BestValLoss">That epoch's val_loss.</param>
    /// <param name="StoppedEarlyAfterEpoch">The 1-based epoch after which EarlyStopping ended the run, if it did.</param>
    /// <param name="SecondsPerEpoch">The mean duration of this run's whole epochs (a resumed partial one left out), if any.</param>
    /// <param name="TimedEpochs">How many epochs that mean is over.</param>
    private sealed record FitOutcome(
        History History, bool Interrupted, int? BestEpoch, double BestValLoss, int? StoppedEarlyAfterEpoch, double? SecondsPerEpoch, int TimedEpochs);

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
