using RnnGen.Training;

namespace RnnGen.Callbacks;

/// <summary>
/// Stops training when a monitored metric has stopped improving, as Keras 3's <c>keras.callbacks.EarlyStopping</c>:
/// each epoch counts as a wait unless the metric beats the best so far by more than <see cref="MinDelta"/>; once
/// <see cref="Patience"/> epochs have waited (and the epoch is not the first) the run stops. With
/// <see cref="RestoreBestWeights"/> the weights of the best epoch are put back when training ends (Keras 3 does this
/// at the end of training whether or not it stopped early; tf.keras 2.x did it only on an early stop).
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly MetricMonitor _monitor;
    private float[]? _bestWeights;

    /// <summary>Creates the callback with Keras' defaults.</summary>
    public EarlyStopping(
        string monitor = "val_loss",
        int patience = 0,
        double minDelta = 0,
        MonitorMode mode = MonitorMode.Auto,
        double? baseline = null,
        bool restoreBestWeights = false,
        int startFromEpoch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(startFromEpoch);
        _monitor = new MetricMonitor(monitor, mode);
        Patience = patience;
        MinDelta = Math.Abs(minDelta);
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
    }

    /// <summary>The monitored metric.</summary>
    public string MonitorName => _monitor.Name;

    /// <summary>The number of epochs without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>A value the metric must beat before the wait resets.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best epoch's weights are restored at the end of training.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The number of warm-up epochs not monitored.</summary>
    public int StartFromEpoch { get; }

    /// <summary>The best value seen.</summary>
    public double Best { get; private set; }

    /// <summary>The 0-based epoch of <see cref="Best"/>.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The 0-based epoch at which the run was stopped, or 0 if it was not.</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The number of epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        Wait = 0;
        StoppedEpoch = 0;
        BestEpoch = 0;
        Best = _monitor.Worst;
        _bestWeights = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs)
    {
        double current = _monitor.Read(logs, nameof(EarlyStopping));
        if (epoch < StartFromEpoch)
        {
            return;
        }

        if (RestoreBestWeights && _bestWeights is null)
        {
            // If no epoch ever improves, the first monitored one counts as the best.
            SaveWeights(context.Model);
            BestEpoch = epoch;
        }

        Wait++;
        if (_monitor.IsImprovement(current, Best, MinDelta))
        {
            Best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                SaveWeights(context.Model);
            }

            if (Baseline is not double baseline || _monitor.IsImprovement(current, baseline, MinDelta))
            {
                Wait = 0;
            }

            return;
        }

        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            context.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _bestWeights is not null)
        {
            _bestWeights.CopyTo(context.Model.Parameters);
        }
    }

    /// <inheritdoc/>
    public override CallbackState? SaveState()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["best"] = Best.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["best_epoch"] = BestEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["wait"] = Wait.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["stopped_epoch"] = StoppedEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (_bestWeights is not null)
        {
            tensors["best_weights"] = (float[])_bestWeights.Clone();
        }

        return new CallbackState(values, tensors);
    }

    /// <inheritdoc/>
    public override void RestoreState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Best = state.ReadNumber(nameof(EarlyStopping), "best");
        BestEpoch = state.ReadCount(nameof(EarlyStopping), "best_epoch");
        Wait = state.ReadCount(nameof(EarlyStopping), "wait");
        StoppedEpoch = state.ReadCount(nameof(EarlyStopping), "stopped_epoch");
        _bestWeights = state.Tensors.GetValueOrDefault("best_weights") is { } weights ? (float[])weights.Clone() : null;
    }

    private void SaveWeights(IRnnModel model)
    {
        Span<float> parameters = model.Parameters;
        _bestWeights ??= new float[parameters.Length];
        parameters.CopyTo(_bestWeights);
    }
}
