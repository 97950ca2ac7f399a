namespace RnnGen.Data;

/// <summary>Where <see cref="Sequences.PadSequences(IReadOnlyList{int[]}, int, Padding, Truncating, int)"/> adds padding (Keras' <c>padding</c>).</summary>
public enum Padding
{
    /// <summary>Before the sequence (Keras' default), so the real tokens come last.</summary>
    Pre,

    /// <summary>After the sequence.</summary>
    Post,
}

/// <summary>Which end of a long sequence is cut (Keras' <c>truncating</c>).</summary>
public enum Truncating
{
    /// <summary>Cut the start and keep the last <c>maxLen</c> tokens (Keras' default).</summary>
    Pre,

    /// <summary>Cut the end and keep the first <c>maxLen</c> tokens.</summary>
    Post,
}

/// <summary>Keras' <c>pad_sequences</c>: every sequence padded or truncated to <c>maxLen</c> ids.</summary>
public static class Sequences
{
    /// <summary>Pads or truncates each sequence to <paramref name="maxLen"/> and pairs the result with <paramref name="labels"/>.</summary>
    public static SequenceDataset PadSequences(
        IReadOnlyList<int[]> sequences,
        IReadOnlyList<float> labels,
        int maxLen,
        Padding padding = Padding.Pre,
        Truncating truncating = Truncating.Pre,
        int value = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int[] tokens = PadSequences(sequences, maxLen, padding, truncating, value);
        if (labels.Count != sequences.Count)
        {
            throw new ArgumentException($"{labels.Count} labels were given for {sequences.Count} sequences.", nameof(labels));
        }

        return new SequenceDataset(tokens, [.. labels], maxLen);
    }

    /// <summary>Pads or truncates each sequence to <paramref name="maxLen"/>, row-major <c>[sequences.Count, maxLen]</c>.</summary>
    public static int[] PadSequences(
        IReadOnlyList<int[]> sequences, int maxLen, Padding padding = Padding.Pre, Truncating truncating = Truncating.Pre, int value = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLen);
        int[] tokens = new int[checked(sequences.Count * maxLen)];
        for (int i = 0; i < sequences.Count; i++)
        {
            PadSequence(sequences[i], tokens.AsSpan(i * maxLen, maxLen), padding, truncating, value);
        }

        return tokens;
    }

    /// <summary>Pads or truncates one sequence into <paramref name="destination"/>, whose length is <c>maxLen</c>.</summary>
    public static void PadSequence(
        ReadOnlySpan<int> sequence, Span<int> destination, Padding padding = Padding.Pre, Truncating truncating = Truncating.Pre, int value = 0)
    {
        int maxLen = destination.Length;
        ReadOnlySpan<int> kept = sequence.Length <= maxLen ? sequence
            : truncating == Truncating.Pre ? sequence[^maxLen..]
            : sequence[..maxLen];
        int fill = maxLen - kept.Length;
        if (padding == Padding.Pre)
        {
            destination[..fill].Fill(value);
            kept.CopyTo(destination[fill..]);
        }
        else
        {
            kept.CopyTo(destination);
            destination[kept.Length..].Fill(value);
        }
    }
}
