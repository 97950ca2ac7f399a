using RnnGen.Data;
using RnnGen.Initialization;

namespace RnnGen.Training;

/// <summary>
/// The length-bucketed batch order of <c>Fit(bucketByLength: true)</c>, like tf.data's bucket_by_sequence_length but
/// deterministic: the epoch's shuffled order is cut into windows of <see cref="BatchesPerWindow"/> batches, each window is
/// sorted by length (the sample's non-zero tokens; ties keep the shuffled order), cut into batches, and the batches of
/// the whole epoch are shuffled with the seeded generator. Batches then hold texts of similar length, so a masked model
/// skips the steps where every row is padding, while the epoch still visits every sample once in a seeded random order.
/// </summary>
public static class LengthBuckets
{
    /// <summary>The batches a window sorts together: wide enough to find similar lengths, narrow enough to keep randomness.</summary>
    public const int BatchesPerWindow = 32;

    /// <summary>Rearranges <paramref name="order"/> (a permutation of the samples) into length-bucketed batches.</summary>
    public static void Arrange(Span<int> order, SequenceDataset data, int batchSize, RnnRandom random)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int[] lengths = new int[data.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = data.Sequence(i).Length - data.Sequence(i).Count(0);
        }

        int window = batchSize * BatchesPerWindow;
        for (int start = 0; start < order.Length; start += window)
        {
            Span<int> part = order.Slice(start, Math.Min(window, order.Length - start));
            int[] sorted = [.. part.ToArray().Select((sample, position) => (sample, position))
                .OrderBy(p => lengths[p.sample]).ThenBy(static p => p.position).Select(static p => p.sample)];
            sorted.CopyTo(part);
        }

        // Shuffle whole batches; the last, possibly partial, batch stays last so that every other batch is full.
        int fullBatches = order.Length / batchSize;
        int[] batches = [.. Enumerable.Range(0, fullBatches)];
        random.Shuffle(batches.AsSpan());
        int[] copy = order[..(fullBatches * batchSize)].ToArray();
        for (int b = 0; b < fullBatches; b++)
        {
            copy.AsSpan(batches[b] * batchSize, batchSize).CopyTo(order.Slice(b * batchSize, batchSize));
        }
    }
}
