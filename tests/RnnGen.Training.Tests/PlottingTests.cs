using System.Buffers.Binary;
using RnnGen.Plotting;

namespace RnnGen.Training.Tests;

public class PlottingTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static History FiveEpochs()
    {
        var history = new History();
        double[] loss = [0.69, 0.52, 0.41, 0.35, 0.31];
        double[] valLoss = [0.60, 0.48, 0.43, 0.44, 0.47];
        for (int i = 0; i < loss.Length; i++)
        {
            history.Append(i, new EpochLogs(loss[i], 0.5 + (0.08 * i), valLoss[i], 0.55 + (0.06 * i) - (0.01 * i * i)));
        }

        return history;
    }

    /// <summary>The signature, then an IHDR chunk holding the width and height.</summary>
    private static void AssertPng(byte[] png, int width, int height)
    {
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 10_000, $"a {png.Length}-byte PNG is too small to hold two plots with text");
    }

    [Fact]
    public void Curves_render_to_a_valid_png()
    {
        byte[] png = TrainingCurves.RenderPng(FiveEpochs(), 1000, 400);

        AssertPng(png, 1000, 400);
        string? keep = Environment.GetEnvironmentVariable("RNNGEN_KEEP_PLOTS");
        if (!string.IsNullOrEmpty(keep))
        {
            File.WriteAllBytes(Path.Combine(keep, "curves.png"), png);
        }
    }

    [Fact]
    public void Curves_go_to_two_files_like_plot_curve()
    {
        string directory = TestData.TempDirectory();
        try
        {
            var history = new History();
            history.Append(0, new EpochLogs(0.6, 0.7));
            history.Append(1, new EpochLogs(0.5, 0.75));
            string accuracy = Path.Combine(directory, "accuracy.png");
            string loss = Path.Combine(directory, "loss.png");

            TrainingCurves.SavePngs(history, accuracy, loss, 640, 480);

            AssertPng(File.ReadAllBytes(accuracy), 640, 480);
            AssertPng(File.ReadAllBytes(loss), 640, 480);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
