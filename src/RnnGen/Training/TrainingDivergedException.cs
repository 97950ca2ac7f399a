using RnnGen.Callbacks;

namespace RnnGen.Training;

/// <summary>
/// Thrown by <see cref="Trainer.Fit"/> when a batch's loss is NaN or infinite (typically a learning rate far too large).
/// Training stops at that batch, before the epoch ends, so no epoch-end callback saves the diverged weights: a
/// <see cref="BackupAndRestore"/> backup keeps the last finite epoch, and <see cref="EarlyStopping"/> with
/// restore_best_weights has put its best weights back into the model.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the batch <paramref name="step"/> (1-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    public TrainingDivergedException(int epoch, int step, float loss, History history)
        : base($"The loss of batch {step} of epoch {epoch + 1} is {loss}: training diverged and was stopped (lower the learning rate, or check the data).")
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
        History = history;
    }

    /// <summary>The epoch (0-based) in which the loss became non-finite.</summary>
    public int Epoch { get; }

    /// <summary>The batch (1-based) whose loss was non-finite.</summary>
    public int Step { get; }

    /// <summary>That loss: NaN or ±∞.</summary>
    public float Loss { get; }

    /// <summary>The history of the completed epochs.</summary>
    public History History { get; }
}
