using RnnGen.Optimizers;
using RnnGen.Training;

namespace RnnGen.Checkpoints;

/// <summary>What <see cref="Checkpoint.Load"/> read besides the weights, which it has already put into the model.</summary>
public sealed class TrainingCheckpoint
{
    internal TrainingCheckpoint(string path, IReadOnlyDictionary<string, string> metadata, Optimizer? optimizer, TrainingPosition? position)
    {
        Path = path;
        Metadata = metadata;
        Optimizer = optimizer;
        Position = position;
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>The raw <c>__metadata__</c> of the file.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// The optimizer holding the restored state: the one passed to <see cref="Checkpoint.Load"/>, or one rebuilt from the
    /// saved name and hyperparameters. <see langword="null"/> if the checkpoint has no optimizer.
    /// </summary>
    public Optimizer? Optimizer { get; }

    /// <summary>The training position, if the checkpoint was saved during <c>Trainer.Fit</c>.</summary>
    public TrainingPosition? Position { get; }

    /// <summary>The one-line spec of the model that saved it (<see cref="ModelDescription.SpecText"/>).</summary>
    public string? ModelSpec => Metadata.GetValueOrDefault(CheckpointMetadata.ModelSpec);
}
