namespace RnnGen.Kernels;

/// <summary>
/// Keras' <c>Bidirectional(layer, merge_mode="concat")</c> as data movement (docs/keras-conventions.md, Bidirectional).
/// A backward copy is an ordinary forward-running layer fed the time-reversed sequence, so its outputs are in its reading
/// order: its slot s holds b on reading x_(T−1−s). These kernels reverse sequences, merge the two copies of a level into
/// the next level's input [f_t | b_t] (time order, and reversed for the next backward copy), and route the gradients
/// back. Sequences are time-major, element [t, b, j] of a [steps, batch, width] buffer at <c>(t·batch + b)·width + j</c>.
/// Every operation is a copy, a zeroing or one addition per element, so every vector width gives the same bits.
/// </summary>
public static class BidirectionalKernels
{
    /// <summary><c>reversed[s] = sequence[steps − 1 − s]</c>, for step blocks of <paramref name="stepLength"/> floats.</summary>
    public static void Reverse(ReadOnlySpan<float> sequence, Span<float> reversed, int steps, int stepLength)
    {
        CheckSequence(sequence.Length, steps, stepLength, nameof(sequence));
        CheckSequence(reversed.Length, steps, stepLength, nameof(reversed));
        for (int s = 0; s < steps; s++)
        {
            sequence.Slice((steps - 1 - s) * stepLength, stepLength).CopyTo(reversed.Slice(s * stepLength, stepLength));
        }
    }

    /// <summary><c>target[t] += source[steps − 1 − t]</c>: a reversed-order gradient added into the time-order one.</summary>
    public static void AddReversed(ReadOnlySpan<float> source, Span<float> target, int steps, int stepLength)
    {
        CheckSequence(source.Length, steps, stepLength, nameof(source));
        CheckSequence(target.Length, steps, stepLength, nameof(target));
        for (int t = 0; t < steps; t++)
        {
            Span<float> block = target.Slice(t * stepLength, stepLength);
            System.Numerics.Tensors.TensorPrimitives.Add(block, source.Slice((steps - 1 - t) * stepLength, stepLength), block);
        }
    }

    /// <summary>
    /// The merged output of a level: <c>merged[t, b] = [forward[t, b] | backward[steps − 1 − t, b]]</c> ([steps, batch, 2u]),
    /// and <paramref name="mergedReversed"/> the same in reversed time. With a <paramref name="mask"/> ([steps, batch], time
    /// order; empty without masking) a padded position is zeros, as Keras hands it on (Bidirectional runs its copies with
    /// <c>zero_output_for_mask</c>); the next level masks the same steps, so it never reads them.
    /// </summary>
    public static void Merge(
        ReadOnlySpan<float> forward,
        ReadOnlySpan<float> backward,
        ReadOnlySpan<float> mask,
        Span<float> merged,
        Span<float> mergedReversed,
        int steps,
        int batch,
        int units)
    {
        CheckSequence(forward.Length, steps, batch * units, nameof(forward));
        CheckSequence(backward.Length, steps, batch * units, nameof(backward));
        CheckSequence(merged.Length, steps, 2 * batch * units, nameof(merged));
        CheckSequence(mergedReversed.Length, steps, 2 * batch * units, nameof(mergedReversed));
        if (!mask.IsEmpty)
        {
            CheckSequence(mask.Length, steps, batch, nameof(mask));
        }

        for (int t = 0; t < steps; t++)
        {
            int reading = steps - 1 - t;
            for (int b = 0; b < batch; b++)
            {
                Span<float> row = merged.Slice(((t * batch) + b) * 2 * units, 2 * units);
                if (!mask.IsEmpty && mask[(t * batch) + b] == 0f)
                {
                    row.Clear();
                }
                else
                {
                    forward.Slice(((t * batch) + b) * units, units).CopyTo(row);
                    backward.Slice(((reading * batch) + b) * units, units).CopyTo(row.Slice(units));
                }
            }
        }

        Reverse(merged, mergedReversed, steps, 2 * batch * units);
    }

    /// <summary>
    /// The gradients of a level's two copies from the gradients of its merged output, as the next level's forward copy
    /// (<paramref name="dMerged"/>, time order) and backward copy (<paramref name="dMergedReversed"/>, reversed) left them:
    /// <c>dForward[t] = dMerged[t][:u] + dMergedReversed[T−1−t][:u]</c> and
    /// <c>dBackward[s] = dMerged[T−1−s][u:] + dMergedReversed[s][u:]</c>, both overwritten.
    /// </summary>
    public static void SplitGradient(
        ReadOnlySpan<float> dMerged,
        ReadOnlySpan<float> dMergedReversed,
        Span<float> dForward,
        Span<float> dBackward,
        int steps,
        int batch,
        int units)
    {
        CheckSequence(dMerged.Length, steps, 2 * batch * units, nameof(dMerged));
        CheckSequence(dMergedReversed.Length, steps, 2 * batch * units, nameof(dMergedReversed));
        CheckSequence(dForward.Length, steps, batch * units, nameof(dForward));
        CheckSequence(dBackward.Length, steps, batch * units, nameof(dBackward));
        for (int t = 0; t < steps; t++)
        {
            int mirrored = steps - 1 - t;
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> inTime = dMerged.Slice(((t * batch) + b) * 2 * units, 2 * units);
                ReadOnlySpan<float> inReverse = dMergedReversed.Slice(((mirrored * batch) + b) * 2 * units, 2 * units);
                System.Numerics.Tensors.TensorPrimitives.Add(inTime.Slice(0, units), inReverse.Slice(0, units), dForward.Slice(((t * batch) + b) * units, units));
                System.Numerics.Tensors.TensorPrimitives.Add(inTime.Slice(units), inReverse.Slice(units), dBackward.Slice(((mirrored * batch) + b) * units, units));
            }
        }
    }

    private static void CheckSequence(int length, int steps, int stepLength, string name)
    {
        if (steps < 0 || stepLength < 0 || length != (long)steps * stepLength)
        {
            throw new ArgumentException($"{name} holds {length} floats; {steps} steps of {stepLength} need {(long)steps * stepLength}.", name);
        }
    }
}
