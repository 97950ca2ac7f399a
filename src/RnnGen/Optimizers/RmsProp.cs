using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Optimizers;

/// <summary>
/// RMSprop as tf.keras and Keras 3 compute it (docs/keras-conventions.md, Optimizers), with ε inside the square root:
/// <c>v = ρv + (1 − ρ)g²</c>, <c>θ −= lr·g/√(v + ε)</c>. No momentum, not centered.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private static readonly string[] s_slotNames = ["velocity"];

    /// <summary>Creates RMSprop with Keras' defaults: lr 1e-3, ρ 0.9, ε 1e-7.</summary>
    public RmsProp(float learningRate = 1e-3f, float rho = 0.9f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>The decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>Keras' ε, added inside the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames => s_slotNames;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Settings => [new("rho", Setting(Rho)), new("epsilon", Setting(Epsilon))];

    internal static RmsProp FromSettings(float learningRate, Func<string, float> number, Func<string, string?> text) =>
        new(learningRate, number("rho"), number("epsilon"));

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> slot1, Span<float> slot2) =>
        ParameterUpdate.Run(new RmsPropOp(Rho, 1 - Rho, LearningRate, Epsilon), parameters, gradients, slot1, slot2);

    // slot2 aliases slot1 (one slot); the op reads and writes only its first slot.
    private readonly struct RmsPropOp(float rho, float oneMinusRho, float learningRate, float epsilon) : IParameterUpdateOp
    {
        public void Invoke(ref float parameter, float gradient, ref float v, ref float unused)
        {
            v = (rho * v) + (oneMinusRho * gradient * gradient);
            parameter -= learningRate * gradient / MathF.Sqrt(v + epsilon);
        }

        public void Invoke(ref Vector512<float> parameter, Vector512<float> gradient, ref Vector512<float> v, ref Vector512<float> unused)
        {
            v = (rho * v) + (oneMinusRho * gradient * gradient);
            parameter -= learningRate * gradient / Vector512.Sqrt(v + Vector512.Create(epsilon));
        }

        public void Invoke(ref Vector256<float> parameter, Vector256<float> gradient, ref Vector256<float> v, ref Vector256<float> unused)
        {
            v = (rho * v) + (oneMinusRho * gradient * gradient);
            parameter -= learningRate * gradient / Vector256.Sqrt(v + Vector256.Create(epsilon));
        }

        public void Invoke(ref Vector128<float> parameter, Vector128<float> gradient, ref Vector128<float> v, ref Vector128<float> unused)
        {
            v = (rho * v) + (oneMinusRho * gradient * gradient);
            parameter -= learningRate * gradient / Vector128.Sqrt(v + Vector128.Create(epsilon));
        }
    }
}
