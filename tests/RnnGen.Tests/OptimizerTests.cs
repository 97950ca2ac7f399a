using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Tests;

/// <summary>
/// The fused SIMD optimizers against the Keras formulas (docs/keras-conventions.md, Optimizers) written as scalar double loops, over
/// lengths that cover every vector tail.
/// </summary>
public class OptimizerTests
{
    public static TheoryData<int> Lengths => new() { 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 100 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AdamMatchesKerasFormula(int length)
    {
        (float[] parameters, float[][] gradients) = Data(length);
        double[] expected = parameters.Select(static p => (double)p).ToArray();
        double[] m = new double[length], v = new double[length];
        var adam = new Adam();
        for (int t = 1; t <= gradients.Length; t++)
        {
            adam.Step(parameters, gradients[t - 1]);
            double alpha = 1e-3 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < length; i++)
            {
                double g = gradients[t - 1][i];
                m[i] += (g - m[i]) * 0.1;
                v[i] += ((g * g) - v[i]) * 0.001;
                expected[i] -= m[i] * alpha / (Math.Sqrt(v[i]) + 1e-7);
            }
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], parameters[i], 1e-6);
        }

        Assert.Equal(gradients.Length, adam.Iterations);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RmsPropMatchesKerasFormulaWithEpsilonInsideTheRoot(int length)
    {
        (float[] parameters, float[][] gradients) = Data(length);
        double[] expected = parameters.Select(static p => (double)p).ToArray();
        double[] v = new double[length];
        var rmsprop = new RmsProp();
        foreach (float[] step in gradients)
        {
            rmsprop.Step(parameters, step);
            for (int i = 0; i < length; i++)
            {
                v[i] = (0.9 * v[i]) + (0.1 * step[i] * step[i]);
                expected[i] -= 1e-3 * step[i] / Math.Sqrt(v[i] + 1e-7);
            }
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], parameters[i], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SgdWithAndWithoutMomentumMatchesKeras(int length)
    {
        foreach ((float momentum, bool nesterov) in new[] { (0f, false), (0.9f, false), (0.9f, true) })
        {
            (float[] parameters, float[][] gradients) = Data(length);
            double[] expected = parameters.Select(static p => (double)p).ToArray();
            double[] velocity = new double[length];
            var sgd = new Sgd(0.01f, momentum, nesterov);
            foreach (float[] step in gradients)
            {
                sgd.Step(parameters, step);
                for (int i = 0; i < length; i++)
                {
                    velocity[i] = (momentum * velocity[i]) - (0.01 * step[i]);
                    expected[i] += nesterov ? (momentum * velocity[i]) - (0.01 * step[i]) : velocity[i];
                }
            }

            for (int i = 0; i < length; i++)
            {
                Assert.Equal(expected[i], parameters[i], 1e-6);
            }
        }
    }

    public static TheoryData<string> OptimizerNames => new() { "adam", "rmsprop", "sgd", "sgd-nesterov" };

    private static Optimizer Create(string name) => name switch
    {
        "adam" => new Adam(),
        "rmsprop" => new RmsProp(),
        "sgd" => new Sgd(),
        _ => new Sgd(0.01f, momentum: 0.9f, nesterov: true),
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void ThreadedStepEqualsTheSingleThreadedStepBitForBit(string name)
    {
        // Long enough to be split (the threaded step leaves arrays under 2 × 65,536 floats whole), odd so the split and
        // the vector tail both fall mid-vector unless the ranges are aligned as they must be.
        const int Length = 300_007;
        (float[] single, float[][] gradients) = Data(Length);
        float[] threaded = (float[])single.Clone();
        Optimizer one = Create(name), split = Create(name);
        using var runner = new ShardRunner(threads: 3);
        foreach (float[] gradient in gradients)
        {
            one.Step(single.AsSpan(), gradient);
            split.Step(threaded, gradient, runner);
        }

        for (int i = 0; i < Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(single[i]), BitConverter.SingleToInt32Bits(threaded[i]));
        }

        Assert.Equal(one.Iterations, split.Iterations);
        for (int slot = 0; slot < one.SlotNames.Count; slot++)
        {
            Assert.True(one.GetSlot(slot).SequenceEqual(split.GetSlot(slot)), $"{name} slot {one.SlotNames[slot]} differs");
        }
    }

    [Fact]
    public void StateCanBeRestoredToContinueIdentically()
    {
        (float[] straight, float[][] gradients) = Data(37);
        float[] resumed = (float[])straight.Clone();
        var first = new Adam();
        foreach (float[] step in gradients)
        {
            first.Step(straight, step);
        }

        var before = new Adam();
        before.Step(resumed, gradients[0]);
        before.Step(resumed, gradients[1]);
        var after = new Adam();
        after.RestoreState(before.Iterations, [before.GetSlot(0).ToArray(), before.GetSlot(1).ToArray()]);
        for (int i = 2; i < gradients.Length; i++)
        {
            after.Step(resumed, gradients[i]);
        }

        Assert.Equal(straight, resumed);
    }

    [Fact]
    public void MismatchedBuffersAreRejected()
    {
        var adam = new Adam();
        adam.Step(new float[4], new float[4]);
        Assert.Throws<ArgumentException>(() => adam.Step(new float[4], new float[3]));
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => adam.Step(new float[5], new float[5]));
        Assert.Contains("one optimizer per model", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: 0));
    }

    [Fact]
    public void A_changed_learning_rate_applies_from_the_next_step()
    {
        // SGD without momentum: p -= rate · g, so two steps at 0.1 then 0.025 move p by 0.1·g + 0.025·g.
        var sgd = new Sgd(learningRate: 0.1f);
        float[] parameters = [1f];
        sgd.Step(parameters, [2f]);
        sgd.LearningRate = 0.025f;
        sgd.Step(parameters, [2f]);

        Assert.Equal(1f - (0.1f * 2f) - (0.025f * 2f), parameters[0], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.PositiveInfinity);
        Assert.Equal(0.025f, sgd.LearningRate);
    }

    private static (float[] Parameters, float[][] Gradients) Data(int length)
    {
        var random = new RnnRandom(length);
        float[] parameters = Enumerable.Range(0, length).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[][] gradients = Enumerable.Range(0, 4)
            .Select(_ => Enumerable.Range(0, length).Select(_ => (random.NextSingle() - 0.5f) * 0.1f).ToArray())
            .ToArray();
        return (parameters, gradients);
    }
}
