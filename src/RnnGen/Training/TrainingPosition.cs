using RnnGen.Initialization;
using RnnGen.Callbacks;

namespace RnnGen.Training;

/// <summary>
/// Where a run stands, with everything needed to continue it bit for bit: the epoch and the number of its batches
/// already trained, the shuffle generator's state from before that epoch's shuffle (so the same permutation is drawn
/// again), the running sums behind the epoch's loss and accuracy, and the history so far. Checkpoints store it in
/// their metadata.
/// </summary>
/// <param name="Epoch">The 0-based epoch in progress; equal to the number of finished epochs when <paramref name="Step"/> is 0.</param>
/// <param name="Step">The number of batches of <paramref name="Epoch"/> already trained.</param>
/// <param name="BatchSize">The batch size the steps count in.</param>
/// <param name="Samples">The number of training samples (after any validation split).</param>
/// <param name="Shuffle">Whether the run shuffles the training samples every epoch.</param>
/// <param name="Seed">The seed the run started from (for the record; <paramref name="RandomState"/> is what resumes).</param>
/// <param name="RandomState">The shuffle generator's state before the shuffle of <paramref name="Epoch"/>.</param>
/// <param name="LossSum">Σ batch loss · batch size over the trained batches of <paramref name="Epoch"/>.</param>
/// <param name="Correct">The number of correctly classified samples in those batches.</param>
/// <param name="Seen">The number of samples in those batches.</param>
/// <param name="History">The finished epochs.</param>
/// <param name="Callbacks">The callbacks' states (<see cref="Callback.SaveState"/>) by <see cref="Callback.StateName"/>; null when none has any.</param>
public sealed record TrainingPosition(
    int Epoch,
    int Step,
    int BatchSize,
    int Samples,
    bool Shuffle,
    long Seed,
    RnnRandomState RandomState,
    double LossSum,
    long Correct,
    long Seen,
    History History,
    IReadOnlyDictionary<string, CallbackState>? Callbacks = null)
{
    /// <summary>Whether the run orders its batches by length (<see cref="LengthBuckets"/>).</summary>
    public bool BucketByLength { get; init; }
}
