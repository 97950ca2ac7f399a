using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Optimizers;

namespace RnnGen.Training;

/// <summary>What a <see cref="Callback"/> sees of a run: the model, the optimizer, the history and the position.</summary>
public sealed class TrainingContext
{
    private readonly Func<TrainingPosition> _position;
    private readonly List<string> _pendingSaves = [];

    internal TrainingContext(IRnnModel model, Optimizer optimizer, History history, int epochs, int stepsPerEpoch, Func<TrainingPosition> position)
    {
        Model = model;
        Optimizer = optimizer;
        History = history;
        Epochs = epochs;
        StepsPerEpoch = stepsPerEpoch;
        _position = position;
    }

    /// <summary>The model being trained.</summary>
    public IRnnModel Model { get; }

    /// <summary>The optimizer updating it.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The finished epochs so far.</summary>
    public History History { get; internal set; }

    /// <summary>The number of epochs the run was asked for.</summary>
    public int Epochs { get; }

    /// <summary>The number of batches per epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>Set by a callback to end the run after the current epoch (Keras <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Whether the run stopped because its cancellation token fired.</summary>
    public bool Interrupted { get; internal set; }

    /// <summary>
    /// Whether the run stopped because a batch's loss was NaN or infinite (as Keras' <c>TerminateOnNaN</c>, but always
    /// on): the epoch in progress gets no <see cref="Callback.OnEpochEnd"/>, so nothing saves the diverged weights.
    /// </summary>
    public bool Diverged { get; internal set; }

    /// <summary>The position a checkpoint saved now would resume from.</summary>
    public TrainingPosition Position => _position();

    /// <summary>The checkpoint a callback asked to resume from in <see cref="Callback.OnTrainBegin"/>.</summary>
    internal TrainingCheckpoint? PendingResume { get; private set; }

    internal bool Started { get; set; }

    /// <summary>
    /// Continues the run from <paramref name="checkpoint"/>, which must have been loaded into <see cref="Model"/> and
    /// <see cref="Optimizer"/>. Only valid in <see cref="Callback.OnTrainBegin"/>.
    /// </summary>
    public void ResumeFrom(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (Started)
        {
            throw new InvalidOperationException("A run can only be resumed from OnTrainBegin, before its first batch.");
        }

        PendingResume = checkpoint;
    }

    /// <summary>Saves the model, the optimizer state and <see cref="Position"/> to a checkpoint at <paramref name="path"/>.</summary>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, Model, Optimizer, Position);

    /// <summary>
    /// From <see cref="Callback.OnEpochEnd"/>: saves the checkpoint once every callback has handled the epoch's end, so
    /// that it holds their states after this epoch (a callback listed before EarlyStopping would otherwise save the
    /// early-stopping state of the epoch before).
    /// </summary>
    public void SaveCheckpointWhenEpochEnds(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _pendingSaves.Add(path);
    }

    internal void SavePendingCheckpoints()
    {
        foreach (string path in _pendingSaves)
        {
            SaveCheckpoint(path);
        }

        _pendingSaves.Clear();
    }
}
