using System.Globalization;
using RnnGen.Training;

namespace RnnGen.Callbacks;

/// <summary>
/// Lowers the optimizer's learning rate when a monitored metric has stopped improving, as Keras 3's
/// <c>keras.callbacks.ReduceLROnPlateau</c>. At each epoch end:
/// <list type="number">
/// <item>in cooldown (epochs left after a reduction), the cooldown counts down and the wait is reset to 0;</item>
/// <item>a value that beats the best by more than <see cref="MinDelta"/> becomes the best and resets the wait;</item>
/// <item>otherwise, outside cooldown, the epoch counts as a wait; once <see cref="Patience"/> epochs have waited and the
/// rate is above <see cref="MinLearningRate"/>, it becomes max(rate · <see cref="Factor"/>, <see cref="MinLearningRate"/>),
/// the cooldown starts and the wait resets.</item>
/// </list>
/// Its best value, wait and cooldown are saved in training checkpoints, and the lowered rate with the optimizer, so an
/// interrupted run resumes on the same schedule. Unlike Keras it does not add a <c>learning_rate</c> column to the logs;
/// <see cref="Reductions"/> lists the epochs at which it lowered the rate. The conventions it follows are stated in
/// docs/keras-conventions.md (Optimizers).
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly MetricMonitor _monitor;
    private readonly List<int> _reductions = [];

    /// <summary>Creates the callback with Keras' defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="factor"/> is not in (0, 1), or <paramref name="patience"/>, <paramref name="cooldown"/> or
    /// <paramref name="minLearningRate"/> is negative.
    /// </exception>
    public ReduceLROnPlateau(
        string monitor = "val_loss",
        double factor = 0.1,
        int patience = 10,
        MonitorMode mode = MonitorMode.Auto,
        double minDelta = 1e-4,
        int cooldown = 0,
        double minLearningRate = 0)
    {
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be between 0 and 1 (exclusive): the new rate is rate · factor.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (!(minLearningRate >= 0) || double.IsInfinity(minLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "The lower bound on the learning rate must be a finite number ≥ 0.");
        }

        _monitor = new MetricMonitor(monitor, mode);
        Factor = factor;
        Patience = patience;
        MinDelta = Math.Abs(minDelta);
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    /// <summary>The monitored metric.</summary>
    public string MonitorName => _monitor.Name;

    /// <summary>The factor a reduction multiplies the rate by.</summary>
    public double Factor { get; }

    /// <summary>The number of epochs without improvement after which the rate is lowered.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The number of epochs after a reduction during which waits are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The lower bound on the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>The best value seen.</summary>
    public double Best { get; private set; }

    /// <summary>The number of epochs since the last improvement (or reduction).</summary>
    public int Wait { get; private set; }

    /// <summary>The cooldown epochs left.</summary>
    public int CooldownLeft { get; private set; }

    /// <summary>The 0-based epochs at whose end the rate was lowered.</summary>
    public IReadOnlyList<int> Reductions => _reductions;

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        Best = _monitor.Worst;
        Wait = 0;
        CooldownLeft = 0;
        _reductions.Clear();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs)
    {
        ArgumentNullException.ThrowIfNull(context);
        double current = _monitor.Read(logs, nameof(ReduceLROnPlateau));
        if (CooldownLeft > 0)
        {
            CooldownLeft--;
            Wait = 0;
        }

        if (_monitor.IsImprovement(current, Best, MinDelta))
        {
            Best = current;
            Wait = 0;
            return;
        }

        if (CooldownLeft > 0 || ++Wait < Patience)
        {
            return;
        }

        float rate = context.Optimizer.LearningRate;
        if (rate > (float)MinLearningRate)
        {
            // The product is taken in double and rounded once, as Keras computes it in Python floats.
            context.Optimizer.LearningRate = (float)Math.Max(rate * Factor, MinLearningRate);
            _reductions.Add(epoch);
            CooldownLeft = Cooldown;
            Wait = 0;
        }
    }

    /// <inheritdoc/>
    public override CallbackState? SaveState()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["best"] = Best.ToString("R", CultureInfo.InvariantCulture),
            ["wait"] = Wait.ToString(CultureInfo.InvariantCulture),
            ["cooldown_counter"] = CooldownLeft.ToString(CultureInfo.InvariantCulture),
            ["reductions"] = string.Join(",", _reductions.Select(static e => e.ToString(CultureInfo.InvariantCulture))),
        };
        return new CallbackState(values, new Dictionary<string, float[]>(StringComparer.Ordinal));
    }

    /// <inheritdoc/>
    public override void RestoreState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        const string Owner = nameof(ReduceLROnPlateau);
        Best = state.ReadNumber(Owner, "best");
        Wait = state.ReadCount(Owner, "wait");
        CooldownLeft = state.ReadCount(Owner, "cooldown_counter");
        int[] reductions = state.Read(Owner, "reductions", static text => text.Length == 0 ? [] : text.Split(',').Select(CallbackState.ParseCount).ToArray());
        _reductions.Clear();
        _reductions.AddRange(reductions);
    }
}
