using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Optimizers;

/// <summary>
/// Stochastic gradient descent as Keras computes it: <c>θ −= lr·g</c>; with momentum,
/// <c>v = momentum·v − lr·g</c> and <c>θ += v</c> (or <c>θ += momentum·v − lr·g</c> with Nesterov).
/// </summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] s_slotNames = ["momentum"];

    /// <summary>Creates SGD with Keras' defaults: lr 0.01, no momentum.</summary>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false)
        : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>The momentum (0: plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>Whether the Nesterov form of momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames => s_slotNames;

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, string>> Settings =>
        [new("momentum", Setting(Momentum)), new("nesterov", Nesterov ? "true" : "false")];

    internal static Sgd FromSettings(float learningRate, Func<string, float> number, Func<string, string?> text) =>
        new(learningRate, number("momentum"), text("nesterov") == "true");

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> slot1, Span<float> slot2) =>
        ParameterUpdate.Run(new SgdOp(LearningRate, Momentum, Nesterov ? 1f : 0f), parameters, gradients, slot1, slot2);

    // With momentum 0 the velocity is -lr·g and θ += v is θ -= lr·g, so one rule covers both forms.
    private readonly struct SgdOp(float learningRate, float momentum, float nesterov) : IParameterUpdateOp
    {
        public void Invoke(ref float parameter, float gradient, ref float velocity, ref float unused)
        {
            velocity = (momentum * velocity) - (learningRate * gradient);
            parameter += nesterov != 0 ? (momentum * velocity) - (learningRate * gradient) : velocity;
        }

        public void Invoke(ref Vector512<float> parameter, Vector512<float> gradient, ref Vector512<float> velocity, ref Vector512<float> unused)
        {
            velocity = (momentum * velocity) - (learningRate * gradient);
            parameter += nesterov != 0 ? (momentum * velocity) - (learningRate * gradient) : velocity;
        }

        public void Invoke(ref Vector256<float> parameter, Vector256<float> gradient, ref Vector256<float> velocity, ref Vector256<float> unused)
        {
            velocity = (momentum * velocity) - (learningRate * gradient);
            parameter += nesterov != 0 ? (momentum * velocity) - (learningRate * gradient) : velocity;
        }

        public void Invoke(ref Vector128<float> parameter, Vector128<float> gradient, ref Vector128<float> velocity, ref Vector128<float> unused)
        {
            velocity = (momentum * velocity) - (learningRate * gradient);
            parameter += nesterov != 0 ? (momentum * velocity) - (learningRate * gradient) : velocity;
        }
    }
}
