using System.Collections.Immutable;
using RnnGen.Data;
using RnnGen.Optimizers;
using RnnGen;

namespace ImdbSample;

/// <summary>
/// A model that <c>--model</c> can name: how to create it, and how it is trained unless options say otherwise.
/// </summary>
/// <param name="Name">The name given to <c>--model</c>, and the default output folder <c>out/&lt;name&gt;</c>.</param>
/// <param name="Create">Creates the model with Keras' initializers, drawn from the seed.</param>
/// <param name="Recipe">The Keras training settings of the setup the model comes from.</param>
/// <param name="Labels">What the model predicts: the sentiment (Dense(1), sigmoid) or the star rating (Dense(8), softmax).</param>
internal sealed record ModelEntry(string Name, Func<int, IRnnModel> Create, TrainingRecipe Recipe, ImdbLabels Labels = ImdbLabels.Sentiment);

/// <summary>
/// The default training settings of a setup, as its Keras original ran it: the optimizer, batch size, epochs and
/// validation data, with EarlyStopping(monitor="val_loss", restore_best_weights=True) in place of a hand-picked epoch.
/// </summary>
/// <param name="CreateOptimizer">Creates the optimizer for a learning rate (the rest at Keras' defaults).</param>
/// <param name="LearningRate">The learning rate.</param>
/// <param name="BatchSize">The batch size.</param>
/// <param name="Epochs">The most epochs to train.</param>
/// <param name="ValidationSplit">
/// Keras' <c>validation_split</c>: the fraction at the end of the (shuffled once) training arrays held out for validation.
/// The test reviews are then never seen before the final evaluation.
/// </param>
/// <param name="Patience">EarlyStopping's patience, in epochs without a lower <c>val_loss</c>.</param>
/// <param name="Plateau">
/// ReduceLROnPlateau(monitor="val_loss") with this factor and patience, or null for a constant learning rate.
/// </param>
internal sealed record TrainingRecipe(
    Func<float, Optimizer> CreateOptimizer, float LearningRate, int BatchSize, int Epochs, double ValidationSplit, int Patience,
    PlateauSchedule? Plateau = null)
{
    /// <summary>The seed model's settings: Adam(1e-3), batch 128.</summary>
    public static TrainingRecipe Seed { get; } = new(static rate => new Adam(rate), 1e-3f, 128, 10, 0.2, 2);

    /// <summary>The second setup's settings: RMSprop(1e-3), batch 128, validation_split 0.2, 10 epochs.</summary>
    public static TrainingRecipe SecondSetup { get; } = new(static rate => new RmsProp(rate), 1e-3f, 128, 10, 0.2, 2);

    /// <summary>
    /// The masked BiLSTM's settings: the second setup with up to 15 epochs, the learning rate multiplied by 0.3 after each
    /// epoch without a lower val_loss, and patience 3. RMSprop at a fixed 1e-3 makes val_loss jump by several points from
    /// epoch to epoch; lowering the rate settles it (seed 0, all 25,000 test reviews: 0.8815 → 0.8849).
    /// </summary>
    public static TrainingRecipe MaskedBidirectional { get; } = SecondSetup with { Epochs = 15, Patience = 3, Plateau = new(0.3, 1) };

    /// <summary>The rating model's settings: Adam(1e-3), batch 64, up to 8 epochs; it overfits after 2-3, so patience 1.</summary>
    public static TrainingRecipe Rating { get; } = new(static rate => new Adam(rate), 1e-3f, 64, 8, 0.2, 1);
}

/// <summary>Keras' <c>ReduceLROnPlateau(monitor="val_loss", factor=Factor, patience=Patience)</c>.</summary>
/// <param name="Factor">What a reduction multiplies the learning rate by.</param>
/// <param name="Patience">The epochs without a lower val_loss before a reduction.</param>
internal sealed record PlateauSchedule(double Factor, int Patience);

/// <summary>The models of this sample, by name. No reflection: each line names a generated class and its factory.</summary>
internal static class ModelCatalog
{
    /// <summary>
    /// Every model <c>--model</c> accepts. To add one, declare an <c>[RnnModel(...)] partial class</c> (see Models.cs) and
    /// add a line here with its name, its factory and a recipe.
    /// </summary>
    public static ImmutableArray<ModelEntry> All { get; } =
    [
        new("seed", static seed => new ImdbSentiment(seed), TrainingRecipe.Seed),
        new("simplernn", static seed => new ImdbSimpleRnn(seed), TrainingRecipe.SecondSetup),
        new("lstm", static seed => new ImdbLstm(seed), TrainingRecipe.SecondSetup),
        new("gru", static seed => new ImdbGru(seed), TrainingRecipe.SecondSetup),
        new("lstm-masked", static seed => new ImdbLstmMasked(seed), TrainingRecipe.SecondSetup),
        new("bilstm", static seed => new ImdbBiLstm(seed), TrainingRecipe.MaskedBidirectional),
        new("rating", static seed => new ImdbRating(seed), TrainingRecipe.Rating, ImdbLabels.Rating),
    ];

    /// <summary>The model named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="UsageException">No model has that name.</exception>
    public static ModelEntry Find(string name) =>
        All.FirstOrDefault(entry => string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"There is no model '{name}'; --model takes one of: {string.Join(", ", All.Select(static e => e.Name))}.");
}
