namespace RnnGen.Kernels;

/// <summary>
/// Keras' <c>Embedding(mask_zero=True)</c> through the recurrent layers (docs/keras-conventions.md, Masking): at a step
/// whose token is 0 a row's state carries over unchanged, and in backpropagation its gradient passes straight to the
/// previous step while the step's gates get none. The mask is time-major, <c>mask[t·B + b]</c> = 1 for a real token.
/// Every operation here is a copy, a zeroing or one addition per element, so every vector width gives the same bits.
/// </summary>
public static class MaskKernels
{
    /// <summary><c>mask[t·batch + b]</c> = 1 where <c>tokens[b·seqLen + t]</c> ≠ 0, else 0.</summary>
    public static void FillMask(ReadOnlySpan<int> tokens, int seqLen, int batch, Span<float> mask)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < seqLen; t++)
            {
                mask[(t * batch) + b] = tokens[(b * seqLen) + t] != 0 ? 1f : 0f;
            }
        }
    }

    /// <summary>Whether every row of a step is padding: then the step changes nothing and its products are skipped.</summary>
    public static bool IsAllPadding(ReadOnlySpan<float> mask) => !mask.ContainsAnyExcept(0f);

    /// <summary>
    /// Forward through one step: every masked row of <paramref name="state"/> ([B, units]) becomes the row of
    /// <paramref name="previous"/>, or zeros at the first step (<paramref name="previous"/> empty, h_(−1) = 0).
    /// </summary>
    public static void CarryMasked(ReadOnlySpan<float> mask, Span<float> state, ReadOnlySpan<float> previous, int units)
    {
        for (int b = 0; b < mask.Length; b++)
        {
            if (mask[b] == 0f)
            {
                Span<float> row = state.Slice(b * units, units);
                if (previous.IsEmpty)
                {
                    row.Clear();
                }
                else
                {
                    previous.Slice(b * units, units).CopyTo(row);
                }
            }
        }
    }

    /// <summary>
    /// Backward through one step, before the cell's own backward: every masked row of <paramref name="gradient"/>
    /// (dL/dh_t) is added to <paramref name="previousGradient"/> (dL/dh_(t−1); empty at the first step) and cleared, so
    /// the cell then gives that row no gate gradient.
    /// </summary>
    public static void PassThroughMasked(ReadOnlySpan<float> mask, Span<float> gradient, Span<float> previousGradient, int units)
    {
        for (int b = 0; b < mask.Length; b++)
        {
            if (mask[b] == 0f)
            {
                Span<float> row = gradient.Slice(b * units, units);
                if (!previousGradient.IsEmpty)
                {
                    Span<float> previous = previousGradient.Slice(b * units, units);
                    for (int j = 0; j < units; j++)
                    {
                        previous[j] += row[j];
                    }
                }

                row.Clear();
            }
        }
    }

    /// <summary>Moves the masked rows of <paramref name="gradient"/> into <paramref name="saved"/> and clears them (the LSTM's dL/dc_t).</summary>
    public static void TakeMasked(ReadOnlySpan<float> mask, Span<float> gradient, Span<float> saved, int units)
    {
        for (int b = 0; b < mask.Length; b++)
        {
            if (mask[b] == 0f)
            {
                gradient.Slice(b * units, units).CopyTo(saved.Slice(b * units, units));
                gradient.Slice(b * units, units).Clear();
            }
        }
    }

    /// <summary>Puts the rows <see cref="TakeMasked"/> moved back: a masked step hands dL/dc_t to c_(t−1) unchanged.</summary>
    public static void RestoreMasked(ReadOnlySpan<float> mask, ReadOnlySpan<float> saved, Span<float> gradient, int units)
    {
        for (int b = 0; b < mask.Length; b++)
        {
            if (mask[b] == 0f)
            {
                saved.Slice(b * units, units).CopyTo(gradient.Slice(b * units, units));
            }
        }
    }
}
