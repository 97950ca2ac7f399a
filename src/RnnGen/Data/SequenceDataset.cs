namespace RnnGen.Data;

/// <summary>
/// A labeled set of fixed-length token sequences, as Keras' <c>(x, y)</c> arrays after <c>pad_sequences</c>:
/// <see cref="Tokens"/> is row-major <c>[Count, SeqLen]</c>, <see cref="Labels"/> is <c>[Count]</c> (1 positive, 0 negative).
/// </summary>
public sealed class SequenceDataset
{
    /// <summary>Wraps the arrays (not copied) after checking their shapes.</summary>
    public SequenceDataset(int[] tokens, float[] labels, int seqLen)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqLen);
        if (tokens.Length != (long)labels.Length * seqLen)
        {
            throw new ArgumentException(
                $"{tokens.Length} token ids do not form {labels.Length} sequences of length {seqLen}.", nameof(tokens));
        }

        Tokens = tokens;
        Labels = labels;
        SeqLen = seqLen;
    }

    /// <summary>The token ids, row-major <c>[Count, SeqLen]</c>.</summary>
    public int[] Tokens { get; }

    /// <summary>The labels, <c>[Count]</c>.</summary>
    public float[] Labels { get; }

    /// <summary>The length of every sequence.</summary>
    public int SeqLen { get; }

    /// <summary>The number of sequences.</summary>
    public int Count => Labels.Length;

    /// <summary>The tokens of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Sequence(int index) => Tokens.AsSpan(index * SeqLen, SeqLen);

    /// <summary>A copy of the samples [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public SequenceDataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        return new SequenceDataset(
            Tokens.AsSpan(start * SeqLen, count * SeqLen).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            SeqLen);
    }

    /// <summary>
    /// Splits off the last <paramref name="fraction"/> as validation data, before any shuffling, as Keras'
    /// <c>validation_split</c> does: the split is at <c>floor(Count·(1 − fraction))</c>.
    /// </summary>
    public (SequenceDataset Train, SequenceDataset Validation) SplitValidation(double fraction)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation split must be in (0, 1).");
        }

        int splitAt = (int)Math.Floor(Count * (1 - fraction));
        return (Slice(0, splitAt), Slice(splitAt, Count - splitAt));
    }
}
