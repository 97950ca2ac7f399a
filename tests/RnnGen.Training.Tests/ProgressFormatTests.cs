using RnnGen.Progress;

namespace RnnGen.Training.Tests;

public class ProgressFormatTests
{
    private static readonly EpochLogs Running = new(0.69314, 0.5);
    private static readonly EpochLogs Final = new(0.45214, 0.789, 0.40118, 0.819);

    [Theory]
    [InlineData(0, 196, "  0/196 [..............................]")]
    [InlineData(5, 196, "  5/196 [..............................]")]
    [InlineData(7, 196, "  7/196 [>.............................]")]
    [InlineData(98, 196, " 98/196 [==============>...............]")]
    [InlineData(195, 196, "195/196 [============================>.]")]
    [InlineData(196, 196, "196/196 [==============================]")]
    [InlineData(1, 1, "1/1 [==============================]")]
    [InlineData(3, 10, " 3/10 [========>.....................]")]
    public void Bar_matches_keras_progbar(int current, int target, string expected) =>
        Assert.Equal(expected, ProgressFormat.Bar(current, target));

    [Theory]
    [InlineData(0.45214, "0.4521")]
    [InlineData(0.53125, "0.5312")] // an exact tie (17/32): Python rounds half to even
    [InlineData(0.59375, "0.5938")] // 19/32: the even neighbour is up
    [InlineData(0.12345, "0.1235")] // not a tie in binary (slightly above), so up
    [InlineData(1.0, "1.0000")]
    [InlineData(0.0010001, "0.0010")]
    [InlineData(0.001, "1.0000e-03")]
    [InlineData(0.00097656, "9.7656e-04")]
    [InlineData(-0.0002, "-2.0000e-04")]
    [InlineData(0.0, "0.0000e+00")]
    [InlineData(1.5e-120, "1.5000e-120")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void Metric_values_print_as_python_percent_4f_or_4e(double value, string expected) =>
        Assert.Equal(expected, PythonFormat.Metric(value));

    [Theory]
    [InlineData(10.5, "10")] // '%.0f' % 10.5 == '10' (ties to even)
    [InlineData(11.5, "12")]
    [InlineData(2.4999, "2")]
    [InlineData(0.5, "0")]
    public void Whole_seconds_round_half_to_even_like_python(double value, string expected) =>
        Assert.Equal(expected, PythonFormat.Fixed(value, 0));

    [Theory]
    [InlineData(0, "0s/step")]
    [InlineData(2.4, "2s/step")]
    [InlineData(1.0, "1s/step")]
    [InlineData(0.999, "999ms/step")]
    [InlineData(0.0152, "15ms/step")]
    [InlineData(0.001, "1ms/step")]
    [InlineData(0.0009994, "999us/step")]
    [InlineData(0.0000153, "15us/step")]
    public void Step_time_uses_s_ms_or_us(double seconds, string expected) =>
        Assert.Equal(expected, ProgressFormat.StepTime(seconds));

    [Theory]
    [InlineData(2.7, "2s")]
    [InlineData(60, "60s")]
    [InlineData(65.9, "1:05")]
    [InlineData(3600, "60:00")]
    [InlineData(3725.2, "1:02:05")]
    public void Eta_truncates_like_python_percent_d(double seconds, string expected) =>
        Assert.Equal(expected, ProgressFormat.Eta(seconds));

    [Fact]
    public void Running_line_shows_the_eta_and_the_training_metrics() =>
        Assert.Equal(
            " 98/196 [==============>...............] - ETA: 1:05 - loss: 0.6931 - accuracy: 0.5000",
            ProgressFormat.RunningLine(98, 196, 65.9, Running));

    [Fact]
    public void Final_line_shows_elapsed_time_time_per_step_and_validation_metrics() =>
        Assert.Equal(
            "196/196 [==============================] - 3s 15ms/step - loss: 0.4521 - accuracy: 0.7890 - val_loss: 0.4012 - val_accuracy: 0.8190",
            ProgressFormat.FinalLine(196, 196, 3.2, 0.0152, Final));

    [Fact]
    public void Verbose_2_line_ends_with_time_per_epoch_and_per_step() =>
        Assert.Equal(
            "196/196 - 3s - loss: 0.4521 - accuracy: 0.7890 - val_loss: 0.4012 - val_accuracy: 0.8190 - 3s/epoch - 16ms/step",
            ProgressFormat.EpochLine(196, 3.2, Final));

    [Fact]
    public void Epoch_header_counts_from_one() => Assert.Equal("Epoch 3/10", ProgressFormat.EpochHeader(2, 10));
}

public class ProgressBarTests
{
    private static readonly EpochLogs Step1 = new(0.69314, 0.5);
    private static readonly EpochLogs Step3 = new(0.68, 0.5625);
    private static readonly EpochLogs Final = new(0.45214, 0.789, 0.40118, 0.819);

    private const string Line1 = "  1/196 [..............................] - ETA: 1:37 - loss: 0.6931 - accuracy: 0.5000";
    private const string Line3 = "  3/196 [..............................] - ETA: 9s - loss: 0.6800 - accuracy: 0.5625";
    private const string FinalLine = "196/196 [==============================] - 10s 51ms/step - loss: 0.4521 - accuracy: 0.7890 - val_loss: 0.4012 - val_accuracy: 0.8190";

    // Step 1 ends at 0.5 s (ETA 0.5 s · 195 = 97.5 s); step 2 comes 20 ms later and is not drawn (50 ms interval);
    // step 3 at 0.6 s times steps from the end of step 1: 0.05 s · 193 = 9.65 s. The epoch ends at 10.5 s:
    // '%.0f' % 10.5 is "10", and (10.5 − 0.5)/195 s is 51 ms per step.
    private static void Drive(ProgressBar bar, ManualTime time)
    {
        time.Set(0.5);
        bar.Update(1, Step1);
        time.Set(0.52);
        bar.Update(2, Step1);
        time.Set(0.6);
        bar.Update(3, Step3);
        time.Set(10.5);
        bar.Finish(Final);
    }

    [Fact]
    public void Terminal_output_redraws_one_line_with_carriage_returns()
    {
        var time = new ManualTime();
        var output = new StringWriter();
        Drive(new ProgressBar(output, 196, interactive: true, time), time);

        string padding = new(' ', Line1.Length - Line3.Length);
        Assert.Equal($"\r{Line1}\r{Line3}{padding}\r{FinalLine}\n", output.ToString());
    }

    [Fact]
    public void Redirected_output_is_exactly_one_plain_line_per_epoch()
    {
        var time = new ManualTime();
        var output = new StringWriter();
        Drive(new ProgressBar(output, 196, interactive: false, time), time);

        Assert.Equal(FinalLine + "\n", output.ToString());
    }

    [Fact]
    public void An_interrupted_epoch_ends_its_line()
    {
        var time = new ManualTime();
        var output = new StringWriter();
        var bar = new ProgressBar(output, 196, interactive: false, time);
        time.Set(0.5);
        bar.Update(1, Step1);
        bar.Abort(1, Step1);

        Assert.Equal(Line1 + "\n", output.ToString());
    }
}
