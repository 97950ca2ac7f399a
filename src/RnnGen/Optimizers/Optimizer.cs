using RnnGen.Execution;

namespace RnnGen.Optimizers;

/// <summary>
/// A first-order optimizer over a model's flat parameter buffer. Its state slots share the parameter layout, so an
/// update is one fused pass (see <see cref="Kernels.ParameterUpdate"/>). The state is allocated on the first step.
/// </summary>
public abstract class Optimizer
{
    /// <summary>The smallest range worth a thread of its own in the threaded <see cref="Step(float[], float[], ShardRunner)"/>.</summary>
    private const int MinFloatsPerPart = 1 << 16;

    private readonly Action<int> _updatePart;
    private float[][] _slots = [];
    private float[]? _stepParameters; // the arrays of the threaded step in progress, read by UpdatePart
    private float[]? _stepGradients;
    private int _partLength;

    /// <summary>Creates an optimizer with the given learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        _updatePart = UpdatePart;
        CheckLearningRate(learningRate, nameof(learningRate));
        _learningRate = learningRate;
    }

    private float _learningRate;

    /// <summary>
    /// The learning rate of the next step. Settable between steps, as Keras' <c>optimizer.learning_rate</c>, so that a
    /// schedule such as <see cref="Callbacks.ReduceLROnPlateau"/> can lower it; a training checkpoint saves the value in
    /// effect and loading one puts it back.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            CheckLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <summary>Whether <paramref name="learningRate"/> is one an optimizer accepts: a positive finite number.</summary>
    internal static bool IsValidLearningRate(float learningRate) => learningRate > 0 && !float.IsInfinity(learningRate);

    private static void CheckLearningRate(float learningRate, string parameterName)
    {
        if (!IsValidLearningRate(learningRate))
        {
            throw new ArgumentOutOfRangeException(parameterName, learningRate, "The learning rate must be a positive finite number.");
        }
    }

    /// <summary>The number of steps taken (Keras <c>optimizer.iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>The Keras name of the optimizer: <c>adam</c>, <c>rmsprop</c>, <c>sgd</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The names of the per-parameter state slots, such as <c>m</c> and <c>v</c> for Adam.</summary>
    public abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>
    /// The settings besides the learning rate that rebuild this optimizer, under Keras' names (<c>beta_1</c>,
    /// <c>epsilon</c>, ...) and in invariant text; a checkpoint stores each as <c>optimizer.{name}</c>.
    /// </summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Settings { get; }

    // How each optimizer is rebuilt from a checkpoint: its Keras name, and its factory (beside its Settings), which reads
    // the settings by name (a number, or the text, null when absent). A new optimizer adds its class and one line here.
    private static readonly Dictionary<string, Func<float, Func<string, float>, Func<string, string?>, Optimizer>> s_rebuilders = new(StringComparer.Ordinal)
    {
        ["adam"] = Adam.FromSettings,
        ["rmsprop"] = RmsProp.FromSettings,
        ["sgd"] = Sgd.FromSettings,
    };

    /// <summary>
    /// Rebuilds the optimizer named <paramref name="name"/> with the settings <paramref name="number"/> and
    /// <paramref name="text"/> read by their <see cref="Settings"/> names, or returns null for a name RnnGen does not know.
    /// </summary>
    public static Optimizer? Rebuild(string name, float learningRate, Func<string, float> number, Func<string, string?> text)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(text);
        return s_rebuilders.TryGetValue(name, out var rebuild) ? rebuild(learningRate, number, text) : null;
    }

    /// <summary>A float as the settings write it: the shortest text that reads back to the same bits.</summary>
    protected static string Setting(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The state slot <paramref name="index"/> (empty before the first step).</summary>
    public ReadOnlySpan<float> GetSlot(int index) => index < _slots.Length ? _slots[index] : [];

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        BeginStep(parameters.Length, gradients.Length);
        Update(parameters, gradients, _slots[0], _slots.Length > 1 ? _slots[1] : _slots[0]);
    }

    /// <summary>
    /// Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>, in contiguous ranges on the
    /// threads of <paramref name="runner"/>. The update is elementwise and the ranges start at multiples of 64 floats (a
    /// whole number of vectors of any width), so every element is computed exactly as by the single-threaded overload.
    /// </summary>
    public void Step(float[] parameters, float[] gradients, ShardRunner runner)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(runner);
        BeginStep(parameters.Length, gradients.Length);
        int parts = Math.Min(runner.Threads, parameters.Length / MinFloatsPerPart);
        if (parts <= 1)
        {
            Update(parameters, gradients, _slots[0], _slots.Length > 1 ? _slots[1] : _slots[0]);
            return;
        }

        _stepParameters = parameters;
        _stepGradients = gradients;
        _partLength = (((parameters.Length + parts - 1) / parts) + 63) & ~63;
        try
        {
            runner.Run(parts, _updatePart);
        }
        finally
        {
            _stepParameters = null;
            _stepGradients = null;
        }
    }

    private void UpdatePart(int part)
    {
        int start = part * _partLength;
        int length = Math.Min(_partLength, _stepParameters!.Length - start);
        if (length > 0)
        {
            Span<float> slot1 = _slots[0].AsSpan(start, length);
            Update(_stepParameters.AsSpan(start, length), _stepGradients.AsSpan(start, length), slot1, _slots.Length > 1 ? _slots[1].AsSpan(start, length) : slot1);
        }
    }

    private void BeginStep(int parameterCount, int gradientCount)
    {
        if (gradientCount != parameterCount)
        {
            throw new ArgumentException($"{gradientCount} gradients for {parameterCount} parameters.", "gradients");
        }

        if (_slots.Length == 0)
        {
            _slots = new float[Math.Max(SlotNames.Count, 1)][];
            for (int i = 0; i < _slots.Length; i++)
            {
                _slots[i] = new float[parameterCount];
            }
        }
        else if (_slots[0].Length != parameterCount)
        {
            throw new InvalidOperationException(
                $"This {Name} optimizer holds state for {_slots[0].Length} parameters and cannot step a model with {parameterCount}; use one optimizer per model.");
        }

        Iterations++;
    }

    /// <summary>Restores the iteration count and state slots saved from an optimizer of the same kind.</summary>
    public void RestoreState(long iterations, IReadOnlyList<float[]> slots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        if (slots.Count != SlotNames.Count)
        {
            throw new ArgumentException($"{Name} has {SlotNames.Count} state slots, but {slots.Count} were given.", nameof(slots));
        }

        Iterations = iterations;
        _slots = new float[slots.Count][];
        for (int i = 0; i < slots.Count; i++)
        {
            _slots[i] = (float[])slots[i].Clone();
        }
    }

    /// <summary>
    /// Applies one update, with <see cref="Iterations"/> already counting this step (t = 1 on the first).
    /// <paramref name="slot2"/> is <paramref name="slot1"/> again for optimizers with one slot.
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> slot1, Span<float> slot2);
}
