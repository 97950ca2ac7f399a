using System.Globalization;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Progress;
using RnnGen.Training;

namespace RnnGen.Callbacks;

/// <summary>
/// Saves a checkpoint at the end of every epoch, or only when the monitored metric improves
/// (<see cref="SaveBestOnly"/>), as Keras' <c>keras.callbacks.ModelCheckpoint</c>. Each checkpoint holds the weights,
/// the optimizer state and the training position, so any of them can resume training as well as serve predictions.
/// The path may contain Keras-style fields: <c>{epoch}</c> (1-based, as Keras counts in file names), <c>{epoch:02d}</c>,
/// and any metric, such as <c>{val_loss:.4f}</c>.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly MetricMonitor _monitor;

    /// <summary>Creates the callback with Keras' defaults.</summary>
    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, MonitorMode mode = MonitorMode.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _monitor = new MetricMonitor(monitor, mode);
        SaveBestOnly = saveBestOnly;
        Best = _monitor.Worst;
    }

    /// <summary>The checkpoint path, possibly with <c>{epoch}</c> and metric fields.</summary>
    public string Path { get; }

    /// <summary>The metric deciding what "best" means.</summary>
    public string MonitorName => _monitor.Name;

    /// <summary>Whether only improvements of the monitored metric are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>The best monitored value saved so far.</summary>
    public double Best { get; private set; }

    /// <summary>The file written last, or <see langword="null"/>.</summary>
    public string? LastSaved { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, int epoch, EpochLogs logs)
    {
        if (SaveBestOnly)
        {
            double current = _monitor.Read(logs, nameof(ModelCheckpoint));
            if (!_monitor.IsImprovement(current, Best))
            {
                return;
            }

            Best = current;
        }

        string path = FormatPath(Path, epoch, logs);
        context.SaveCheckpoint(path);
        LastSaved = path;
    }

    /// <summary>
    /// Fills the Python-style fields of a checkpoint path: <c>{epoch}</c> is <paramref name="epoch"/> + 1; a format
    /// <c>0Nd</c> pads to N digits; a metric takes <c>.Nf</c> (default: Python's <c>str</c> of a float, shortest round-trip).
    /// </summary>
    public static string FormatPath(string path, int epoch, EpochLogs logs)
    {
        if (!path.Contains('{', StringComparison.Ordinal))
        {
            return path;
        }

        var result = new StringBuilder(path.Length + 16);
        int i = 0;
        while (i < path.Length)
        {
            int open = path.IndexOf('{', i);
            if (open < 0)
            {
                result.Append(path, i, path.Length - i);
                break;
            }

            int close = path.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"The checkpoint path '{path}' has a '{{' without a '}}'.");
            }

            result.Append(path, i, open - i);
            string field = path[(open + 1)..close];
            int colon = field.IndexOf(':', StringComparison.Ordinal);
            string name = colon < 0 ? field : field[..colon];
            string? spec = colon < 0 ? null : field[(colon + 1)..];
            if (name == "epoch")
            {
                result.Append(FormatInteger(epoch + 1, spec, path));
            }
            else if (logs.TryGetValue(name, out double value))
            {
                result.Append(FormatReal(value, spec, path));
            }
            else
            {
                throw new FormatException($"The checkpoint path '{path}' names '{name}', which is not one of: epoch, {logs.AvailableNames}.");
            }

            i = close + 1;
        }

        return result.ToString();
    }

    private static string FormatInteger(int value, string? spec, string path)
    {
        if (spec is null || spec == "d")
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        if (spec.Length >= 2 && spec[^1] == 'd' && int.TryParse(spec.AsSpan(0, spec.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int width))
        {
            string digits = value.ToString(CultureInfo.InvariantCulture);
            return spec[0] == '0' ? digits.PadLeft(width, '0') : digits.PadLeft(width);
        }

        throw new FormatException($"The checkpoint path '{path}' formats the epoch as '{spec}'; use d or 0Nd.");
    }

    private static string FormatReal(double value, string? spec, string path)
    {
        if (spec is null)
        {
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        if (spec.Length >= 3 && spec[0] == '.' && spec[^1] == 'f' && int.TryParse(spec.AsSpan(1, spec.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int decimals))
        {
            return PythonFormat.Fixed(value, decimals);
        }

        throw new FormatException($"The checkpoint path '{path}' formats a metric as '{spec}'; use .Nf.");
    }
}
