using RnnGen.Training;
using ScottPlot;

namespace RnnGen.Plotting;

/// <summary>
/// Draws a <see cref="History"/> as the Keras tutorials' <c>plot_curve</c> does: training values as blue dots,
/// validation values as a blue line, per epoch (from 1), one panel for accuracy and one for loss. The panels go side
/// by side into one PNG, or into two files. Rendering uses ScottPlot on SkiaSharp; this project is separate from the
/// runtime so that the runtime keeps no native dependency.
/// </summary>
public static class TrainingCurves
{
    /// <summary>Renders both panels side by side and returns the PNG bytes.</summary>
    public static byte[] RenderPng(History history, int width = 1200, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(history);
        var multiplot = new Multiplot(AccuracyPlot(history)) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        multiplot.AddPlot(LossPlot(history));
        using Image image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    /// <summary>Writes both panels side by side into one PNG file.</summary>
    public static void SavePng(History history, string path, int width = 1200, int height = 450) =>
        File.WriteAllBytes(path, RenderPng(history, width, height));

    /// <summary>Writes the accuracy and the loss panel into two PNG files, like <c>plot_curve</c>'s two figures.</summary>
    public static void SavePngs(History history, string accuracyPath, string lossPath, int width = 640, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(history);
        File.WriteAllBytes(accuracyPath, AccuracyPlot(history).GetImageBytes(width, height, ImageFormat.Png));
        File.WriteAllBytes(lossPath, LossPlot(history).GetImageBytes(width, height, ImageFormat.Png));
    }

    private static Plot AccuracyPlot(History history) =>
        CurvePlot(history, history.Accuracy, history.ValAccuracy, "Training acc", "Validation acc", "Training and validation accuracy", "Accuracy");

    private static Plot LossPlot(History history) =>
        CurvePlot(history, history.Loss, history.ValLoss, "Training loss", "Validation loss", "Training and validation loss", "Loss");

    private static Plot CurvePlot(History history, List<double> training, List<double> validation, string trainingLabel, string validationLabel, string title, string yLabel)
    {
        // plot_curve plots against range(1, epochs + 1); a resumed history keeps Keras' 0-based epoch indices.
        double[] epochs = history.Epoch.Select(e => e + 1.0).ToArray();
        var plot = new Plot();
        var trainingSeries = plot.Add.Scatter(epochs, training.ToArray(), Colors.Blue);
        trainingSeries.LegendText = trainingLabel;
        trainingSeries.LineWidth = 0;
        trainingSeries.MarkerShape = MarkerShape.FilledCircle;
        trainingSeries.MarkerSize = 8;
        if (validation.Count == epochs.Length && epochs.Length > 0)
        {
            var validationSeries = plot.Add.Scatter(epochs, validation.ToArray(), Colors.Blue);
            validationSeries.LegendText = validationLabel;
            validationSeries.LineWidth = 2;
            validationSeries.MarkerSize = 0;
        }

        // matplotlib's default face, when installed; ScottPlot otherwise falls back to the first font it finds.
        plot.Font.Set("DejaVu Sans");
        plot.Title(title);
        plot.XLabel("Epochs");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        // Below the data area, a legend can never hide a point (ScottPlot has no matplotlib-style "best" placement).
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
