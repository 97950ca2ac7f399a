using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Optimizers;

/// <summary>
/// Adam as Keras computes it (docs/keras-conventions.md, Optimizers), with ε added to √v ("epsilon hat"):
/// <c>m += (g − m)(1 − β1)</c>, <c>v += (g² − v)(1 − β2)</c>, <c>α = lr·√(1 − β2^t)/(1 − β1^t)</c>,
/// <c>θ −= α·m/(√v + ε)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private static readonly string[] s_slotNames = ["m", "v"];

    /// <summary>Creates Adam with Keras' defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-7.</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>The decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>The decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Keras' ε, added to √v.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames => s_slotNames;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Settings =>
        [new("beta_1", Setting(Beta1)), new("beta_2", Setting(Beta2)), new("epsilon", Setting(Epsilon))];

    internal static Adam FromSettings(float learningRate, Func<string, float> number, Func<string, string?> text) =>
        new(learningRate, number("beta_1"), number("beta_2"), number("epsilon"));

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> slot1, Span<float> slot2)
    {
        // Keras computes the bias correction in float32 from float32 powers of the betas.
        float t = Iterations;
        float alpha = LearningRate * MathF.Sqrt(1 - MathF.Pow(Beta2, t)) / (1 - MathF.Pow(Beta1, t));
        ParameterUpdate.Run(new AdamOp(1 - Beta1, 1 - Beta2, alpha, Epsilon), parameters, gradients, slot1, slot2);
    }

    private readonly struct AdamOp(float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon) : IParameterUpdateOp
    {
        public void Invoke(ref float parameter, float gradient, ref float m, ref float v)
        {
            m += (gradient - m) * oneMinusBeta1;
            v += ((gradient * gradient) - v) * oneMinusBeta2;
            parameter -= m * alpha / (MathF.Sqrt(v) + epsilon);
        }

        public void Invoke(ref Vector512<float> parameter, Vector512<float> gradient, ref Vector512<float> m, ref Vector512<float> v)
        {
            m += (gradient - m) * oneMinusBeta1;
            v += ((gradient * gradient) - v) * oneMinusBeta2;
            parameter -= m * alpha / (Vector512.Sqrt(v) + Vector512.Create(epsilon));
        }

        public void Invoke(ref Vector256<float> parameter, Vector256<float> gradient, ref Vector256<float> m, ref Vector256<float> v)
        {
            m += (gradient - m) * oneMinusBeta1;
            v += ((gradient * gradient) - v) * oneMinusBeta2;
            parameter -= m * alpha / (Vector256.Sqrt(v) + Vector256.Create(epsilon));
        }

        public void Invoke(ref Vector128<float> parameter, Vector128<float> gradient, ref Vector128<float> m, ref Vector128<float> v)
        {
            m += (gradient - m) * oneMinusBeta1;
            v += ((gradient * gradient) - v) * oneMinusBeta2;
            parameter -= m * alpha / (Vector128.Sqrt(v) + Vector128.Create(epsilon));
        }
    }
}
