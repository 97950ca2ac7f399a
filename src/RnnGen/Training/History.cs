using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnGen.Training;

/// <summary>
/// What <c>Trainer.Fit</c> returns, as Keras' <c>History</c>: per-epoch lists of every metric
/// (<c>history.history</c>), the epoch indices (<c>history.epoch</c>, from 0) and the fit parameters (<c>history.params</c>).
/// The validation lists stay empty when the run had no validation data.
/// </summary>
public sealed class History
{
    /// <summary>The 0-based index of every recorded epoch (Keras <c>history.epoch</c>).</summary>
    public List<int> Epoch { get; } = [];

    /// <summary>The training loss of every epoch.</summary>
    public List<double> Loss { get; } = [];

    /// <summary>The training accuracy of every epoch.</summary>
    public List<double> Accuracy { get; } = [];

    /// <summary>The validation loss of every epoch (empty without validation data).</summary>
    public List<double> ValLoss { get; } = [];

    /// <summary>The validation accuracy of every epoch (empty without validation data).</summary>
    public List<double> ValAccuracy { get; } = [];

    /// <summary>The fit parameters (Keras <c>history.params</c>).</summary>
    public HistoryParams Params { get; set; } = new(1, 0, 0);

    /// <summary>The number of recorded epochs.</summary>
    public int Count => Epoch.Count;

    /// <summary>The list of a metric by its Keras name, or <see langword="null"/> for an unknown name.</summary>
    public IReadOnlyList<double>? this[string name] => name switch
    {
        "loss" => Loss,
        "accuracy" => Accuracy,
        "val_loss" => ValLoss,
        "val_accuracy" => ValAccuracy,
        _ => null,
    };

    /// <summary>Records the logs of one finished epoch.</summary>
    public void Append(int epoch, EpochLogs logs)
    {
        if (Count > 0 && ValLoss.Count != (logs.ValLoss.HasValue ? Count : 0))
        {
            throw new ArgumentException("Every epoch of a history must have validation metrics, or none.", nameof(logs));
        }

        Epoch.Add(epoch);
        Loss.Add(logs.Loss);
        Accuracy.Add(logs.Accuracy);
        if (logs.ValLoss.HasValue)
        {
            ValLoss.Add(logs.ValLoss.Value);
            ValAccuracy.Add(logs.ValAccuracy ?? double.NaN);
        }
    }

    /// <summary>A deep copy.</summary>
    public History Clone()
    {
        var copy = new History { Params = Params };
        copy.Epoch.AddRange(Epoch);
        copy.Loss.AddRange(Loss);
        copy.Accuracy.AddRange(Accuracy);
        copy.ValLoss.AddRange(ValLoss);
        copy.ValAccuracy.AddRange(ValAccuracy);
        return copy;
    }

    /// <summary>
    /// The history as JSON: <c>{"history": {"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]},
    /// "epoch": [...], "params": {"verbose": 1, "epochs": 10, "steps": 625}}</c>. The <c>history</c> object is what Python's
    /// <c>json.dump(history.history)</c> writes; validation keys are absent without validation data. A diverged run's
    /// NaN is written as <c>"NaN"</c>.
    /// </summary>
    public string ToJson(bool indented = true)
    {
        var document = new HistoryDocument { Epoch = Epoch, Params = Params };
        document.History["loss"] = Loss;
        document.History["accuracy"] = Accuracy;
        if (ValLoss.Count > 0)
        {
            document.History["val_loss"] = ValLoss;
            document.History["val_accuracy"] = ValAccuracy;
        }

        return JsonSerializer.Serialize(document, indented ? TrainingJsonContext.Default.HistoryDocument : CompactTrainingJsonContext.Default.HistoryDocument);
    }

    /// <summary>Reads the form written by <see cref="ToJson"/>.</summary>
    public static History FromJson(string json)
    {
        HistoryDocument document = JsonSerializer.Deserialize(json, TrainingJsonContext.Default.HistoryDocument)
            ?? throw new FormatException("The history JSON is null.");
        var history = new History { Params = document.Params ?? new(1, 0, 0) };
        history.Epoch.AddRange(document.Epoch ?? []);
        history.Loss.AddRange(Values(document, "loss"));
        history.Accuracy.AddRange(Values(document, "accuracy"));
        history.ValLoss.AddRange(Values(document, "val_loss"));
        history.ValAccuracy.AddRange(Values(document, "val_accuracy"));
        int count = history.Epoch.Count;
        int validation = history.ValLoss.Count;
        if (history.Loss.Count != count || history.Accuracy.Count != count || (validation != 0 && validation != count) || history.ValAccuracy.Count != validation)
        {
            throw new FormatException($"The history JSON lists {count} epochs, but its metric lists have other lengths.");
        }

        return history;

        static List<double> Values(HistoryDocument document, string name) =>
            document.History.TryGetValue(name, out List<double>? values) ? values : [];
    }

    /// <summary>
    /// The history as CSV with the header <c>epoch,loss,accuracy,val_loss,val_accuracy</c> and one row per epoch,
    /// invariant culture, shortest round-trip numbers. The epoch is 0-based like Keras' <c>CSVLogger</c>; the validation
    /// cells are empty without validation data.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("epoch,loss,accuracy,val_loss,val_accuracy\n");
        for (int i = 0; i < Count; i++)
        {
            csv.Append(Epoch[i].ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(Loss[i])).Append(',')
                .Append(Number(Accuracy[i])).Append(',')
                .Append(i < ValLoss.Count ? Number(ValLoss[i]) : "").Append(',')
                .Append(i < ValAccuracy.Count ? Number(ValAccuracy[i]) : "").Append('\n');
        }

        return csv.ToString();

        static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Writes <see cref="ToJson"/> to a file.</summary>
    public void SaveJson(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Writes <see cref="ToCsv"/> to a file.</summary>
    public void SaveCsv(string path) => File.WriteAllText(path, ToCsv());
}

/// <summary>Keras' <c>history.params</c>.</summary>
/// <param name="Verbose">The verbosity the run used.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Steps">The number of batches per epoch.</param>
public sealed record HistoryParams(
    [property: JsonPropertyName("verbose")] int Verbose,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("steps")] int Steps);

/// <summary>The JSON shape of a <see cref="History"/>.</summary>
internal sealed class HistoryDocument
{
    [JsonPropertyName("history")]
    public Dictionary<string, List<double>> History { get; set; } = [];

    [JsonPropertyName("epoch")]
    public List<int>? Epoch { get; set; }

    [JsonPropertyName("params")]
    public HistoryParams? Params { get; set; }
}

/// <summary>Source-generated serializers: no reflection, so the runtime stays trimmable and NativeAOT-compatible.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(HistoryDocument))]
internal sealed partial class TrainingJsonContext : JsonSerializerContext;

/// <summary>The same contract without indentation, for the history stored in checkpoint metadata.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(HistoryDocument))]
internal sealed partial class CompactTrainingJsonContext : JsonSerializerContext;
