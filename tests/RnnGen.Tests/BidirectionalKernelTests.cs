using RnnGen.Initialization;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>
/// <see cref="BidirectionalKernels"/> against element-by-element loops written from the definitions: the backward copy's
/// slot s is time T − 1 − s, the merged row is [f_t | b_t], a padded position of the merged output is zeros, and the
/// gradient of the merged output goes back to both copies, in each one's reading order.
/// </summary>
public class BidirectionalKernelTests
{
    private const int Steps = 5, Batch = 3, Units = 4;

    [Fact]
    public void Merge_puts_each_time_step_of_both_copies_side_by_side_and_zeros_padded_positions()
    {
        float[] forward = Random(Steps * Batch * Units, seed: 1);
        float[] backward = Random(Steps * Batch * Units, seed: 2);
        float[] mask = Random(Steps * Batch, seed: 3).Select(static v => v > 0 ? 1f : 0f).ToArray();
        Assert.Contains(0f, mask);
        foreach (bool masked in new[] { false, true })
        {
            float[] merged = new float[Steps * Batch * 2 * Units];
            float[] mergedReversed = new float[merged.Length];
            BidirectionalKernels.Merge(forward, backward, masked ? mask : default, merged, mergedReversed, Steps, Batch, Units);
            for (int t = 0; t < Steps; t++)
            {
                for (int b = 0; b < Batch; b++)
                {
                    bool padded = masked && mask[(t * Batch) + b] == 0;
                    for (int j = 0; j < 2 * Units; j++)
                    {
                        float expected = padded ? 0
                            : j < Units ? forward[(((t * Batch) + b) * Units) + j]
                            : backward[((((Steps - 1 - t) * Batch) + b) * Units) + j - Units];
                        Assert.Equal(expected, merged[(((t * Batch) + b) * 2 * Units) + j]);
                        Assert.Equal(expected, mergedReversed[((((Steps - 1 - t) * Batch) + b) * 2 * Units) + j]);
                    }
                }
            }
        }
    }

    [Fact]
    public void SplitGradient_adds_the_two_readers_gradients_into_each_copys_reading_order()
    {
        float[] dMerged = Random(Steps * Batch * 2 * Units, seed: 4);
        float[] dMergedReversed = Random(Steps * Batch * 2 * Units, seed: 5);
        float[] dForward = Random(Steps * Batch * Units, seed: 6); // overwritten, not added to
        float[] dBackward = Random(Steps * Batch * Units, seed: 7);
        BidirectionalKernels.SplitGradient(dMerged, dMergedReversed, dForward, dBackward, Steps, Batch, Units);
        for (int t = 0; t < Steps; t++)
        {
            int s = Steps - 1 - t;
            for (int b = 0; b < Batch; b++)
            {
                for (int j = 0; j < Units; j++)
                {
                    int inTime = (((t * Batch) + b) * 2 * Units) + j, mirrored = (((s * Batch) + b) * 2 * Units) + j;
                    Assert.Equal(dMerged[inTime] + dMergedReversed[mirrored], dForward[(((t * Batch) + b) * Units) + j]);
                    Assert.Equal(dMerged[inTime + Units] + dMergedReversed[mirrored + Units], dBackward[(((s * Batch) + b) * Units) + j]);
                }
            }
        }
    }

    [Fact]
    public void Reverse_and_AddReversed_mirror_the_steps()
    {
        const int StepLength = Batch * Units;
        float[] sequence = Random(Steps * StepLength, seed: 8);
        float[] reversed = new float[sequence.Length];
        BidirectionalKernels.Reverse(sequence, reversed, Steps, StepLength);
        float[] target = Random(Steps * StepLength, seed: 9);
        float[] before = (float[])target.Clone();
        BidirectionalKernels.AddReversed(sequence, target, Steps, StepLength);
        for (int t = 0; t < Steps; t++)
        {
            for (int k = 0; k < StepLength; k++)
            {
                Assert.Equal(sequence[((Steps - 1 - t) * StepLength) + k], reversed[(t * StepLength) + k]);
                Assert.Equal(before[(t * StepLength) + k] + sequence[((Steps - 1 - t) * StepLength) + k], target[(t * StepLength) + k]);
            }
        }
    }

    [Fact]
    public void A_buffer_of_the_wrong_length_is_refused_with_its_name()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            BidirectionalKernels.Merge(new float[60], new float[59], default, new float[120], new float[120], Steps, Batch, Units));
        Assert.Equal("backward", error.ParamName);
        Assert.Contains("59 floats", error.Message, StringComparison.Ordinal);
    }

    private static float[] Random(int length, int seed)
    {
        var random = new RnnRandom(seed);
        return Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }
}
