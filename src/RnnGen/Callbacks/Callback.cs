using RnnGen.Training;

namespace RnnGen.Callbacks;

/// <summary>
/// A hook into <see cref="Trainer.Fit"/>, as Keras' <c>keras.callbacks.Callback</c>. The trainer calls the methods of
/// every callback in list order. <see cref="OnBatchEnd"/> runs once per batch, so implementations should not allocate.
/// </summary>
public abstract class Callback
{
    /// <summary>Before the first epoch. A callback may call <see cref="TrainingContext.ResumeFrom"/> here.</summary>
    public virtual void OnTrainBegin(TrainingContext context)
    {
    }

    /// <summary>Before the batches of epoch <paramref name="epoch"/> (0-based).</summary>
    public virtual void OnEpochBegin(TrainingContext context, int epoch)
    {
    }

    /// <summary>After each training batch, with the running loss and accuracy of the epoch.</summary>
    public virtual void OnBatchEnd(TrainingContext context, int step, EpochLogs logs)
    {
    }

    /// <summary>
    /// After epoch <paramref name="epoch"/> and its validation, once the epoch is in <see cref="TrainingContext.History"/>.
    /// Set <see cref="TrainingContext.StopTraining"/> to end the run.
    /// </summary>
    public virtual void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs)
    {
    }

    /// <summary>
    /// When the run's cancellation token fired: training stopped after the current batch, and
    /// <see cref="TrainingContext.Position"/> says where, so that a checkpoint saved now resumes exactly there.
    /// <see cref="OnTrainEnd"/> follows.
    /// </summary>
    public virtual void OnInterrupted(TrainingContext context)
    {
    }

    /// <summary>
    /// The name this callback's state is saved under in a training checkpoint; unique among a run's callbacks. By default
    /// the type name.
    /// </summary>
    public virtual string StateName => GetType().Name;

    /// <summary>
    /// The state this callback carries between epochs, for a checkpoint taken now; null (the default) for a callback
    /// without any. A resumed run hands it back to <see cref="RestoreState"/> after <see cref="OnTrainBegin"/>.
    /// </summary>
    public virtual CallbackState? SaveState() => null;

    /// <summary>Takes back the state <see cref="SaveState"/> returned in the interrupted run.</summary>
    public virtual void RestoreState(CallbackState state)
    {
    }

    /// <summary>After the last epoch, after early stopping, or after an interruption (see <see cref="TrainingContext.Interrupted"/>).</summary>
    public virtual void OnTrainEnd(TrainingContext context)
    {
    }
}
