using System.Globalization;
using System.Text;
using RnnGen.Training;

namespace RnnGen.Progress;

/// <summary>
/// The pieces of tf.keras 2.x's progress bar (<c>keras.utils.Progbar</c>, verbose=1; docs/keras-conventions.md, Console output), as pure
/// functions of their inputs, so that every line can be checked character for character:
/// <code>196/196 [==============================] - 3s 15ms/step - loss: 0.4521 - accuracy: 0.7890 - val_loss: 0.4012 - val_accuracy: 0.8190</code>
/// </summary>
public static class ProgressFormat
{
    /// <summary>The number of characters between the brackets.</summary>
    public const int BarWidth = 30;

    /// <summary>
    /// The counter and bar: <c>%{digits}d/%d [</c>, <c>int(30·current/target)</c> cells of <c>=</c> whose last is a
    /// <c>&gt;</c> head while the epoch runs, then <c>.</c> up to 30, then <c>]</c>. The counter is as wide as the target.
    /// </summary>
    public static string Bar(int current, int target)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(target);
        ArgumentOutOfRangeException.ThrowIfNegative(current);
        string targetText = target.ToString(CultureInfo.InvariantCulture);
        var bar = new StringBuilder(targetText.Length * 2 + BarWidth + 3);
        bar.Append(current.ToString(CultureInfo.InvariantCulture).PadLeft(targetText.Length)).Append('/').Append(targetText).Append(" [");
        int done = (int)(BarWidth * ((double)current / target));
        done = Math.Min(done, BarWidth);
        if (done > 0)
        {
            bar.Append('=', done - 1).Append(current < target ? '>' : '=');
        }

        bar.Append('.', BarWidth - done).Append(']');
        return bar.ToString();
    }

    /// <summary>
    /// The time per step: <c>%.0fs</c> when it is at least a second (or exactly 0), <c>%.0fms</c> from a millisecond,
    /// <c>%.0fus</c> below; followed by <c>/step</c>.
    /// </summary>
    public static string StepTime(double secondsPerStep) =>
        secondsPerStep >= 1 || secondsPerStep == 0 ? PythonFormat.Fixed(secondsPerStep, 0) + "s/step"
        : secondsPerStep >= 1e-3 ? PythonFormat.Fixed(secondsPerStep * 1e3, 0) + "ms/step"
        : PythonFormat.Fixed(secondsPerStep * 1e6, 0) + "us/step";

    /// <summary>The remaining time: <c>h:mm:ss</c> above an hour, <c>m:ss</c> above a minute, else <c>Ns</c>, truncated as Python's <c>%d</c> does.</summary>
    public static string Eta(double seconds)
    {
        long whole = (long)Math.Floor(Math.Max(seconds, 0));
        return seconds > 3600 ? string.Create(CultureInfo.InvariantCulture, $"{whole / 3600}:{whole % 3600 / 60:00}:{whole % 60:00}")
            : seconds > 60 ? string.Create(CultureInfo.InvariantCulture, $"{whole / 60}:{whole % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{whole}s");
    }

    /// <summary>
    /// The metrics part, in tf.keras 2.x's order: <c> - loss: 0.4521 - accuracy: 0.7890</c>, then the validation
    /// metrics when present.
    /// </summary>
    public static string Metrics(EpochLogs logs)
    {
        var text = new StringBuilder(96);
        Append(text, "loss", logs.Loss);
        Append(text, "accuracy", logs.Accuracy);
        if (logs.ValLoss is double valLoss)
        {
            Append(text, "val_loss", valLoss);
        }

        if (logs.ValAccuracy is double valAccuracy)
        {
            Append(text, "val_accuracy", valAccuracy);
        }

        return text.ToString();

        static void Append(StringBuilder text, string name, double value) =>
            text.Append(" - ").Append(name).Append(": ").Append(PythonFormat.Metric(value));
    }

    /// <summary>A line while the epoch runs: <c>  5/196 [&gt;.............................] - ETA: 2s - loss: 0.6931 - accuracy: 0.5000</c>.</summary>
    public static string RunningLine(int current, int target, double etaSeconds, EpochLogs logs) =>
        $"{Bar(current, target)} - ETA: {Eta(etaSeconds)}{Metrics(logs)}";

    /// <summary>The line that ends an epoch: <c>196/196 [====...====] - 3s 15ms/step - loss: ...</c>, with the elapsed time as <c>%.0fs</c>.</summary>
    public static string FinalLine(int current, int target, double elapsedSeconds, double secondsPerStep, EpochLogs logs) =>
        $"{Bar(current, target)} - {PythonFormat.Fixed(elapsedSeconds, 0)}s {StepTime(secondsPerStep)}{Metrics(logs)}";

    /// <summary>
    /// The one line per epoch of verbose=2 (tf.keras 2.x): <c>196/196 - 3s - loss: ... - val_accuracy: ... - 3s/epoch - 15ms/step</c>.
    /// </summary>
    public static string EpochLine(int target, double epochSeconds, EpochLogs logs)
    {
        string epochTime = StepTime(epochSeconds).Replace("/step", "/epoch", StringComparison.Ordinal);
        return $"{target}/{target} - {PythonFormat.Fixed(epochSeconds, 0)}s{Metrics(logs)} - {epochTime} - {StepTime(epochSeconds / target)}";
    }

    /// <summary>The line before each epoch, printed when the run has more than one epoch: <c>Epoch 1/10</c>.</summary>
    public static string EpochHeader(int epoch, int epochs) =>
        string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{epochs}");
}
