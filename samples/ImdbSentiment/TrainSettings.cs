using System.Globalization;

namespace ImdbSample;

/// <summary>
/// What one <c>train</c> run uses: its <see cref="TrainOptions"/> with the model's recipe in place of every knob left out,
/// checked before anything is created or read, so that a bad value ends the run as one line naming the option.
/// </summary>
/// <remarks>Only <see cref="From"/> creates one, so every instance holds values that passed the checks.</remarks>
internal sealed record TrainSettings
{
    private TrainSettings(TrainOptions options, int epochs, int batchSize, float learningRate, int patience)
    {
        Model = options.Model;
        Folder = new ModelFolder(options.Output);
        DataPath = options.DataPath;
        CacheFolder = options.CacheFolder;
        Epochs = epochs;
        BatchSize = batchSize;
        LearningRate = learningRate;
        Patience = patience;
        Seed = options.Seed;
        BucketByLength = options.BucketByLength;
        Verbosity = options.Verbosity;
    }

    /// <summary>Whether each epoch's batches group reviews of similar length (<c>--bucket-by-length</c>).</summary>
    public bool BucketByLength { get; }

    public ModelEntry Model { get; }

    /// <summary>The model's recipe: its optimizer and validation split, which no option overrides.</summary>
    public TrainingRecipe Recipe => Model.Recipe;

    /// <summary>The output folder (<c>--output</c>).</summary>
    public ModelFolder Folder { get; }

    public string? DataPath { get; }

    public string? CacheFolder { get; }

    /// <summary>The most epochs, at least 1.</summary>
    public int Epochs { get; }

    /// <summary>At least 1.</summary>
    public int BatchSize { get; }

    /// <summary>Positive and finite.</summary>
    public float LearningRate { get; }

    /// <summary>EarlyStopping's patience, 0 or more.</summary>
    public int Patience { get; }

    /// <summary>The seed of the initial weights and of the shuffle before each epoch.</summary>
    public int Seed { get; }

    public Verbosity Verbosity { get; }

    /// <summary>Whether the run prints its summary, data, settings and progress bar (not <c>--quiet</c>).</summary>
    public bool PrintsReport => Verbosity != Verbosity.Quiet;

    /// <summary>Whether the run also prints the weight table, the runtime, the encoding and every file written (<c>--verbose</c>).</summary>
    public bool PrintsDetails => Verbosity == Verbosity.Verbose;

    /// <summary>Fills in the recipe's values and checks them, in option order.</summary>
    /// <exception cref="UsageException">An option's value (given, or the recipe's) is out of range; the message names the option.</exception>
    public static TrainSettings From(TrainOptions options)
    {
        TrainingRecipe recipe = options.Model.Recipe;
        int epochs = AtLeastOne(options.Epochs ?? recipe.Epochs, "--epochs");
        int batchSize = AtLeastOne(options.BatchSize ?? recipe.BatchSize, "--batch-size");
        float learningRate = options.LearningRate ?? recipe.LearningRate;

        // Not "learningRate <= 0": NaN must fail too.
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
        {
            throw new UsageException($"--learning-rate must be a positive number, not {learningRate.ToString(CultureInfo.InvariantCulture)}.");
        }

        int patience = options.Patience ?? recipe.Patience;
        if (patience < 0)
        {
            throw new UsageException($"--patience must be 0 or more, not {patience}.");
        }

        return new TrainSettings(options, epochs, batchSize, learningRate, patience);
    }

    private static int AtLeastOne(int value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be at least 1, not {value}.");
}
