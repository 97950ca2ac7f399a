using RnnGen.Training;

namespace RnnGen.Callbacks;

/// <summary>Whether a monitored metric improves by falling or by rising.</summary>
public enum MonitorMode
{
    /// <summary>Keras' <c>"auto"</c>: rising for a name containing <c>acc</c>, falling otherwise.</summary>
    Auto = 0,

    /// <summary>Lower is better (losses).</summary>
    Min = 1,

    /// <summary>Higher is better (accuracies).</summary>
    Max = 2,
}

/// <summary>The metric lookup and comparison shared by <see cref="EarlyStopping"/> and <see cref="ModelCheckpoint"/>.</summary>
internal readonly struct MetricMonitor
{
    public MetricMonitor(string name, MonitorMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!EpochLogs.Names.Contains(name))
        {
            throw new ArgumentException($"Cannot monitor '{name}': the metrics are {string.Join(", ", EpochLogs.Names)}.", nameof(name));
        }

        Name = name;
        Higher = mode == MonitorMode.Max || (mode == MonitorMode.Auto && name.Contains("acc", StringComparison.Ordinal));
    }

    public string Name { get; }

    /// <summary>Whether a higher value is better.</summary>
    public bool Higher { get; }

    /// <summary>The starting "best": the worst possible value.</summary>
    public double Worst => Higher ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>Whether <paramref name="current"/> beats <paramref name="reference"/> by more than <paramref name="minDelta"/> (≥ 0).</summary>
    public bool IsImprovement(double current, double reference, double minDelta = 0) =>
        Higher ? current - minDelta > reference : current + minDelta < reference;

    /// <summary>The monitored value; a run without the metric (val_* without validation data) is a setup error.</summary>
    public double Read(EpochLogs logs, string callback) =>
        logs.TryGetValue(Name, out double value)
            ? value
            : throw new InvalidOperationException(
                $"{callback} monitors '{Name}', which this run does not compute (available: {logs.AvailableNames}). Pass validation data or a validation split, or monitor another metric.");
}
