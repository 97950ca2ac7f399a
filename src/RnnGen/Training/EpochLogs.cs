namespace RnnGen.Training;

/// <summary>
/// The metrics Keras passes to callbacks as <c>logs</c>: the running training loss and accuracy, and, at the end of
/// an epoch with validation data, <c>val_loss</c> and <c>val_accuracy</c>.
/// </summary>
/// <param name="Loss">The mean binary cross-entropy over the samples seen, weighted by batch size.</param>
/// <param name="Accuracy">The fraction of samples with <c>(σ(z) &gt; 0.5) == y</c>.</param>
/// <param name="ValLoss">The validation loss with the weights at the end of the epoch, if there is validation data.</param>
/// <param name="ValAccuracy">The validation accuracy, if there is validation data.</param>
public readonly record struct EpochLogs(double Loss, double Accuracy, double? ValLoss = null, double? ValAccuracy = null)
{
    /// <summary>The Keras metric names, in the order tf.keras 2.x prints them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["loss", "accuracy", "val_loss", "val_accuracy"];

    /// <summary>Looks a metric up by its Keras name (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>).</summary>
    public bool TryGetValue(string name, out double value)
    {
        double? found = name switch
        {
            "loss" => Loss,
            "accuracy" => Accuracy,
            "val_loss" => ValLoss,
            "val_accuracy" => ValAccuracy,
            _ => null,
        };
        value = found ?? double.NaN;
        return found.HasValue;
    }

    /// <summary>The names of the metrics these logs hold, for messages about a missing one.</summary>
    public string AvailableNames => ValLoss.HasValue ? "loss, accuracy, val_loss, val_accuracy" : "loss, accuracy";
}
