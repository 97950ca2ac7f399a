// Inverted dropout as Keras applies it inside recurrent layers (docs/keras-conventions.md, Dropout): a mask of 0 or 1/(1 − rate)
// is drawn once per batch and reused at every time step, so the kept values keep their expected size and nothing needs
// rescaling at inference, when no mask is applied at all.
using System.Numerics.Tensors;
using RnnGen.Initialization;

namespace RnnGen.Kernels;

/// <summary>Mask drawing and mask application for the generated dropout paths.</summary>
public static class DropoutKernels
{
    /// <summary>Fills <paramref name="mask"/> with 1/(1 − rate) with probability 1 − rate, else 0.</summary>
    public static void FillMask(Span<float> mask, double rate, RnnRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float kept = (float)(1 / (1 - rate));
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() >= rate ? kept : 0f;
        }
    }

    /// <summary>
    /// For every step t of a sequence of rows of <c>mask.Length</c> floats: <c>y[t] = x[t]⊙mask</c>, or with
    /// <paramref name="accumulate"/>, <c>y[t] += x[t]⊙mask</c>. The same mask applies at every step.
    /// </summary>
    public static void MaskSequence(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y, bool accumulate)
    {
        int width = mask.Length;
        if (width == 0 || x.Length % width != 0 || y.Length != x.Length)
        {
            throw new ArgumentException($"A sequence of {x.Length} floats into {y.Length} cannot be masked by steps of {width}.");
        }

        for (int offset = 0; offset < x.Length; offset += width)
        {
            Span<float> target = y.Slice(offset, width);
            if (accumulate)
            {
                TensorPrimitives.MultiplyAdd(x.Slice(offset, width), mask, target, target);
            }
            else
            {
                TensorPrimitives.Multiply(x.Slice(offset, width), mask, target);
            }
        }
    }
}
