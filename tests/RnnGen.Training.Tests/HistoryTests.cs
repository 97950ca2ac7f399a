using System.Text.Json;

namespace RnnGen.Training.Tests;

public class HistoryTests
{
    private static History TwoEpochs(bool validation)
    {
        var history = new History { Params = new HistoryParams(1, 10, 625) };
        history.Append(0, new EpochLogs(0.678, 0.565, validation ? 0.5734 : null, validation ? 0.7012 : null));
        history.Append(1, new EpochLogs(0.41, 0.8125, validation ? 0.39 : null, validation ? 0.83 : null));
        return history;
    }

    [Fact]
    public void Json_has_keras_history_epoch_and_params()
    {
        string json = TwoEpochs(validation: true).ToJson();

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], root.GetProperty("history").EnumerateObject().Select(p => p.Name));
        Assert.Equal([0.678, 0.41], root.GetProperty("history").GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.7012, 0.83], root.GetProperty("history").GetProperty("val_accuracy").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0, 1], root.GetProperty("epoch").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(625, root.GetProperty("params").GetProperty("steps").GetInt32());
        Assert.Equal(10, root.GetProperty("params").GetProperty("epochs").GetInt32());
        Assert.Equal(1, root.GetProperty("params").GetProperty("verbose").GetInt32());
    }

    [Fact]
    public void Json_without_validation_has_no_val_keys_and_round_trips()
    {
        History history = TwoEpochs(validation: false);

        string json = history.ToJson(indented: false);
        History back = History.FromJson(json);

        Assert.DoesNotContain("val_", json);
        Assert.Equal(history.Loss, back.Loss);
        Assert.Equal(history.Accuracy, back.Accuracy);
        Assert.Empty(back.ValLoss);
        Assert.Equal(history.Epoch, back.Epoch);
        Assert.Equal(history.Params, back.Params);
        Assert.Equal(json, back.ToJson(indented: false));
    }

    [Fact]
    public void Json_keeps_a_diverged_nan_loss()
    {
        var history = new History();
        history.Append(0, new EpochLogs(double.NaN, 0.5));

        History back = History.FromJson(history.ToJson());

        Assert.True(double.IsNaN(back.Loss[0]));
    }

    [Fact]
    public void Csv_has_the_fixed_header_and_invariant_round_trip_numbers()
    {
        Assert.Equal(
            "epoch,loss,accuracy,val_loss,val_accuracy\n0,0.678,0.565,0.5734,0.7012\n1,0.41,0.8125,0.39,0.83\n",
            TwoEpochs(validation: true).ToCsv());
        Assert.Equal(
            "epoch,loss,accuracy,val_loss,val_accuracy\n0,0.678,0.565,,\n1,0.41,0.8125,,\n",
            TwoEpochs(validation: false).ToCsv());
    }

    [Fact]
    public void Csv_numbers_round_trip_exactly()
    {
        var history = new History();
        history.Append(0, new EpochLogs(0.1 + 0.2, 1.0 / 3));

        string row = history.ToCsv().Split('\n')[1];

        Assert.Equal(0.1 + 0.2, double.Parse(row.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0,0.30000000000000004,0.3333333333333333,,", row);
    }

    [Fact]
    public void Mixing_epochs_with_and_without_validation_is_rejected()
    {
        History history = TwoEpochs(validation: true);

        Assert.Throws<ArgumentException>(() => history.Append(2, new EpochLogs(0.3, 0.9)));
    }
}
