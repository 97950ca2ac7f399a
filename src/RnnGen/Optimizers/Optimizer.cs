namespace RnnGen;

/// <summary>
/// A first-order optimizer over a model's flat parameter buffer. Its state slots share the parameter layout, so an
/// update is one fused pass (see <see cref="Kernels.ParameterUpdate"/>). The state is allocated on the first step.
/// </summary>
public abstract class Optimizer
{
    private float[][] _slots = [];

    /// <summary>Creates an optimizer with the given learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive finite number.");
        }

        LearningRate = learningRate;
    }

    /// <summary>The learning rate.</summary>
    public float LearningRate { get; }

    /// <summary>The number of steps taken (Keras <c>optimizer.iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>The Keras name of the optimizer: <c>adam</c>, <c>rmsprop</c>, <c>sgd</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The names of the per-parameter state slots, such as <c>m</c> and <c>v</c> for Adam.</summary>
    public abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>The state slot <paramref name="index"/> (empty before the first step).</summary>
    public ReadOnlySpan<float> GetSlot(int index) => index < _slots.Length ? _slots[index] : [];

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException($"{gradients.Length} gradients for {parameters.Length} parameters.", nameof(gradients));
        }

        if (_slots.Length == 0)
        {
            _slots = new float[Math.Max(SlotNames.Count, 1)][];
            for (int i = 0; i < _slots.Length; i++)
            {
                _slots[i] = new float[parameters.Length];
            }
        }
        else if (_slots[0].Length != parameters.Length)
        {
            throw new InvalidOperationException(
                $"This {Name} optimizer holds state for {_slots[0].Length} parameters and cannot step a model with {parameters.Length}; use one optimizer per model.");
        }

        Iterations++;
        Update(parameters, gradients, _slots[0], _slots.Length > 1 ? _slots[1] : _slots[0]);
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
