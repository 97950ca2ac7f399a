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
        float[] Uniform(int length)
        {
            float[] values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = (2 * random.NextSingle()) - 1;
            }

            return values;
        }

        float[] gates = Uniform(Rows * 3 * units), recurrent = Uniform(Rows * 3 * units), previous = Uniform(Rows * units), dHidden = Uniform(Rows * units);
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
}
