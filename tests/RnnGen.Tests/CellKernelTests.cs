using RnnGen.Initialization;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>Contracts of the cell kernels that the model tests do not isolate (every vector width runs them: test.sh reruns this class).</summary>
public class CellKernelTests
{
    /// <summary>
    /// A top GRU layer lets the kernel write dL/dh_(t−1) = 0 + dh⊙z instead of clearing the buffer and adding to it: the
    /// result must be the same bits, and what the buffer held before (NaN here) must not be read. 32 units run whole
    /// vectors, 37 a vector and a scalar tail, 5 the tail alone.
    /// </summary>
    [Theory]
    [InlineData(32)]
    [InlineData(37)]
    [InlineData(5)]
    public void GruBackwardOverwritingThePreviousGradientEqualsAddingToACleared(int units)
    {
        const int Rows = 3;
        var random = new RnnRandom(units);
        float[] gates = Uniform(random, Rows * 3 * units, -1, 1), recurrent = Uniform(random, Rows * 3 * units, -1, 1);
        float[] previous = Uniform(random, Rows * units, -1, 1), dHidden = Uniform(random, Rows * units, -1, 1);
        for (int i = 0; i < gates.Length; i++)
        {
            gates[i] = (gates[i] + 1) / 2; // activated z, r and ĥ: z and r in (0, 1)
        }

        float[] dGatesAdded = new float[gates.Length], dRecurrentAdded = new float[gates.Length], dPreviousAdded = new float[Rows * units];
        CellKernels.GruResetAfterBackward(gates, recurrent, previous, dHidden, dGatesAdded, dRecurrentAdded, dPreviousAdded, units, hardSigmoid: false);

        float[] dGates = new float[gates.Length], dRecurrent = new float[gates.Length], dPrevious = Enumerable.Repeat(float.NaN, Rows * units).ToArray();
        CellKernels.GruResetAfterBackward(gates, recurrent, previous, dHidden, dGates, dRecurrent, dPrevious, units, hardSigmoid: false, overwritePrevious: true);

        Assert.Equal(dPreviousAdded.Select(BitConverter.SingleToInt32Bits), dPrevious.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(dGatesAdded.Select(BitConverter.SingleToInt32Bits), dGates.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(dRecurrentAdded.Select(BitConverter.SingleToInt32Bits), dRecurrent.Select(BitConverter.SingleToInt32Bits));
        Assert.DoesNotContain(dPrevious, float.IsNaN);
    }

    /// <summary>
    /// The fused GRU reset_after = false kernels against a plain scalar loop of the same equations, bit for bit: h_t = ĥ +
    /// z⊙(h_(t−1) − ĥ) after ĥ = tanh, dz = dh⊙(h_(t−1) − ĥ)⊙z', da = dh⊙(1 − z)⊙(1 − ĥ²), dL/dh_(t−1) += dh⊙z, then
    /// dr = d(r⊙h)⊙h_(t−1)⊙r' and dL/dh_(t−1) += d(r⊙h)⊙r; at t = 0 (no h_(t−1)) dr = 0. Every product is rounded before
    /// its sum, as the scalar form writes it. 32 units run whole vectors, 37 a vector and a scalar tail, 5 the tail alone.
    /// </summary>
    [Theory]
    [InlineData(32, true, false)]
    [InlineData(37, true, false)]
    [InlineData(5, true, false)]
    [InlineData(37, false, false)]
    [InlineData(37, true, true)]
    [InlineData(32, false, true)]
    public void GruResetBeforeKernelsMatchAScalarLoop(int units, bool hasPrevious, bool hardSigmoid)
    {
        const int Rows = 3;
        var random = new RnnRandom(units + (hasPrevious ? 100 : 0));
        float[] Uniform(int length, float low, float high) => CellKernelTests.Uniform(random, length, low, high);

        float[] gates = Uniform(Rows * 3 * units, -2, 2), previous = hasPrevious ? Uniform(Rows * units, -1, 1) : [];
        float[] dHidden = Uniform(Rows * units, -1, 1), dResetHidden = Uniform(Rows * units, -1, 1), dPreviousStart = Uniform(Rows * units, -1, 1);

        // Forward second half: ĥ = tanh(x_h), h = ĥ + z⊙(h_prev − ĥ).
        float[] expectedGates = (float[])gates.Clone(), expectedHidden = new float[Rows * units];
        for (int b = 0; b < Rows; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int g = (b * 3 * units) + j, h = (b * units) + j;
                float candidate = FastMath.Tanh(expectedGates[g + (2 * units)]);
                expectedGates[g + (2 * units)] = candidate;
                expectedHidden[h] = candidate + (expectedGates[g] * ((hasPrevious ? previous[h] : 0) - candidate));
            }
        }

        float[] actualGates = (float[])gates.Clone(), actualHidden = new float[Rows * units];
        CellKernels.GruResetBeforeOutput(actualGates, previous, actualHidden, units);
        AssertBits(expectedGates, actualGates);
        AssertBits(expectedHidden, actualHidden);

        // Backward: the activated gates (z, r in (0, 1)) and both halves.
        float[] activated = Uniform(Rows * 3 * units, 0, 1);
        float[] expectedDGates = new float[activated.Length], expectedDPrevious = (float[])dPreviousStart.Clone();
        for (int b = 0; b < Rows; b++)
        {
            for (int j = 0; j < units; j++)
            {
                int g = (b * 3 * units) + j, h = (b * units) + j;
                float z = activated[g], r = activated[g + units], candidate = activated[g + (2 * units)], dh = dHidden[h];
                float p = hasPrevious ? previous[h] : 0;
                expectedDGates[g] = dh * (p - candidate) * CellKernels.RecurrentDerivative(z, hardSigmoid);
                expectedDGates[g + (2 * units)] = dh * (1 - z) * (1 - (candidate * candidate));
                if (hasPrevious)
                {
                    expectedDPrevious[h] += dh * z;
                    expectedDGates[g + units] = dResetHidden[h] * p * CellKernels.RecurrentDerivative(r, hardSigmoid);
                    expectedDPrevious[h] += dResetHidden[h] * r;
                }
            }
        }

        float[] actualDGates = Enumerable.Repeat(float.NaN, activated.Length).ToArray(), actualDPrevious = (float[])dPreviousStart.Clone();
        Span<float> dPrevious = hasPrevious ? actualDPrevious : default;
        CellKernels.GruResetBeforeBackwardOutput(activated, previous, dHidden, actualDGates, dPrevious, units, hardSigmoid);
        CellKernels.GruResetBeforeBackwardReset(activated, previous, dResetHidden, actualDGates, dPrevious, units, hardSigmoid);
        AssertBits(expectedDGates, actualDGates);
        AssertBits(expectedDPrevious, actualDPrevious);
    }

    /// <summary>The reset_after = false output backward's overwrite of dL/dh_(t−1) (a top layer), as the reset_after one above.</summary>
    [Theory]
    [InlineData(32)]
    [InlineData(37)]
    [InlineData(5)]
    public void GruResetBeforeBackwardOverwritingThePreviousGradientEqualsAddingToACleared(int units)
    {
        const int Rows = 3;
        var random = new RnnRandom(units + 7);
        float[] gates = Uniform(random, Rows * 3 * units, 0, 1), previous = Uniform(random, Rows * units, 0, 1), dHidden = Uniform(random, Rows * units, 0, 1);

        float[] dGatesAdded = new float[gates.Length], dPreviousAdded = new float[Rows * units];
        CellKernels.GruResetBeforeBackwardOutput(gates, previous, dHidden, dGatesAdded, dPreviousAdded, units, hardSigmoid: false);
        float[] dGates = new float[gates.Length], dPrevious = Enumerable.Repeat(float.NaN, Rows * units).ToArray();
        CellKernels.GruResetBeforeBackwardOutput(gates, previous, dHidden, dGates, dPrevious, units, hardSigmoid: false, overwritePrevious: true);

        AssertBits(dPreviousAdded, dPrevious);
        AssertBits(dGatesAdded, dGates);
    }

    /// <summary>Uniform values in [low, high), drawn in order from <paramref name="random"/>.</summary>
    private static float[] Uniform(RnnRandom random, int length, float low, float high)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }

    private static void AssertBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
