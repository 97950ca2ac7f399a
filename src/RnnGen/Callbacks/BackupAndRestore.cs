using RnnGen.Checkpoints;
using RnnGen.Training;

namespace RnnGen.Callbacks;

/// <summary>
/// Fault tolerance, as Keras' <c>keras.callbacks.BackupAndRestore</c>: saves a checkpoint at the end of every epoch
/// and, when the run is interrupted (its cancellation token fires, say on Ctrl+C), right after the current batch; a
/// later run with the same callback finds the file, loads it into its model and optimizer and continues from that
/// exact position. On a run that completes, the backup is deleted (<see cref="DeleteOnCompletion"/>).
/// </summary>
/// <remarks>
/// Unlike Keras, the backup also holds every callback's state (<see cref="Callback.SaveState"/>: EarlyStopping's best
/// value, wait count and best weights), so that a resumed run ends with the same weights as one never interrupted.
/// </remarks>
public sealed class BackupAndRestore : Callback
{
    /// <summary>Creates the callback for the backup file <paramref name="path"/>.</summary>
    public BackupAndRestore(string path, bool deleteOnCompletion = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        DeleteOnCompletion = deleteOnCompletion;
    }

    /// <summary>The backup checkpoint.</summary>
    public string Path { get; }

    /// <summary>Whether a run that ends without interruption deletes the backup.</summary>
    public bool DeleteOnCompletion { get; }

    /// <summary>Whether this run started from an existing backup.</summary>
    public bool Restored { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        Restored = false;
        if (File.Exists(Path))
        {
            context.ResumeFrom(Checkpoint.Load(Path, context.Model, context.Optimizer));
            Restored = true;
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs) => context.SaveCheckpointWhenEpochEnds(Path);

    /// <inheritdoc/>
    public override void OnInterrupted(TrainingContext context) => context.SaveCheckpoint(Path);

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context)
    {
        // A diverged run keeps its backup: the last epoch end before the loss became NaN, to resume from with other settings.
        if (!context.Interrupted && !context.Diverged && DeleteOnCompletion)
        {
            File.Delete(Path);
        }
    }
}
