using RnnGen.Training;

namespace RnnGen.Progress;

/// <summary>
/// The progress display of one epoch, after tf.keras 2.x's <c>Progbar</c> (verbose=1). On an interactive terminal it
/// redraws one line with <c>\r</c> at most every <see cref="Interval"/> (an ETA while running, then the elapsed time and
/// time per step); when the output is redirected to a file or pipe it writes nothing until the epoch ends and then
/// exactly one plain line, so logs hold no control characters. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class ProgressBar
{
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _lastDraw;
    private bool _drawn;
    private int _firstStep;
    private long _afterFirstStep;
    private int _previousWidth;

    /// <summary>Starts the display of an epoch of <paramref name="target"/> steps; the clock starts now.</summary>
    public ProgressBar(TextWriter output, int target, bool interactive, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(target);
        _output = output;
        _time = time;
        Target = target;
        Interactive = interactive;
        _start = time.GetTimestamp();
    }

    /// <summary>The number of steps of the epoch.</summary>
    public int Target { get; }

    /// <summary>Whether the line is redrawn in place (a terminal) or written once per epoch (redirected output).</summary>
    public bool Interactive { get; }

    /// <summary>The least time between two redraws (Keras: 0.05 s).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(0.05);

    /// <summary>Reports that <paramref name="current"/> steps of the epoch are done, with the running metrics.</summary>
    public void Update(int current, EpochLogs logs)
    {
        long now = _time.GetTimestamp();
        double perStep = StepDuration(current, now);
        if (!Interactive || (_drawn && _time.GetElapsedTime(_lastDraw, now) < Interval))
        {
            return;
        }

        Draw(ProgressFormat.RunningLine(current, Target, perStep * (Target - current), logs), end: false);
        _lastDraw = now;
    }

    /// <summary>Ends the epoch with the final metrics (including the validation metrics) and a newline.</summary>
    public void Finish(EpochLogs logs)
    {
        long now = _time.GetTimestamp();
        double perStep = StepDuration(Target, now);
        Draw(ProgressFormat.FinalLine(Target, Target, _time.GetElapsedTime(_start, now).TotalSeconds, perStep, logs), end: true);
    }

    /// <summary>Ends an interrupted epoch: the last running line, then a newline.</summary>
    public void Abort(int current, EpochLogs logs)
    {
        long now = _time.GetTimestamp();
        double perStep = StepDuration(current, now);
        Draw(ProgressFormat.RunningLine(current, Target, perStep * (Target - current), logs), end: true);
    }

    // Keras times steps from the end of the first one, which leaves out one-off start-up work; a resumed epoch's
    // first step is not step 1, so the reference is the first step this display saw.
    private double StepDuration(int current, long now)
    {
        if (current <= 0)
        {
            return 0;
        }

        if (_firstStep == 0)
        {
            _firstStep = current;
            _afterFirstStep = now;
        }

        return current > _firstStep
            ? _time.GetElapsedTime(_afterFirstStep, now).TotalSeconds / (current - _firstStep)
            : _time.GetElapsedTime(_start, now).TotalSeconds / current;
    }

    private void Draw(string line, bool end)
    {
        if (Interactive)
        {
            // Pad over the tail of a longer previous line, as Keras does.
            int width = line.Length;
            _output.Write('\r');
            _output.Write(line);
            if (_previousWidth > width)
            {
                _output.Write(new string(' ', _previousWidth - width));
            }

            _previousWidth = width;
        }
        else
        {
            _output.Write(line);
        }

        if (end)
        {
            _output.Write('\n');
        }

        _output.Flush();
        _drawn = true;
    }
}
