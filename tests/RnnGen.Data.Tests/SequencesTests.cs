using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class SequencesTests
{
    private static readonly int[][] s_sequences = [[1, 2, 3, 4, 5], [7, 8], []];

    [Fact]
    public void Defaults_pad_before_and_keep_the_last_tokens()
    {
        int[] padded = Sequences.PadSequences(s_sequences, maxLen: 3);

        Assert.Equal([3, 4, 5, 0, 7, 8, 0, 0, 0], padded);
    }

    [Fact]
    public void Post_padding_and_post_truncating_keep_the_first_tokens()
    {
        int[] padded = Sequences.PadSequences(s_sequences, maxLen: 3, Padding.Post, Truncating.Post);

        Assert.Equal([1, 2, 3, 7, 8, 0, 0, 0, 0], padded);
    }

    [Fact]
    public void Padding_and_truncating_sides_are_independent()
    {
        Assert.Equal([1, 2, 3, 0, 7, 8, 0, 0, 0], Sequences.PadSequences(s_sequences, 3, Padding.Pre, Truncating.Post));
        Assert.Equal([3, 4, 5, 7, 8, 0, 0, 0, 0], Sequences.PadSequences(s_sequences, 3, Padding.Post, Truncating.Pre));
    }

    [Fact]
    public void Value_fills_the_padding_and_exact_lengths_are_copied()
    {
        Assert.Equal([-1, -1, 7, 8], Sequences.PadSequences([[7, 8]], 4, value: -1));
        Assert.Equal([7, 8], Sequences.PadSequences([[7, 8]], 2, Padding.Post, Truncating.Post));
    }

    [Fact]
    public void Returns_a_dataset_with_the_labels()
    {
        SequenceDataset dataset = Sequences.PadSequences(s_sequences, [1f, 0f, 1f], maxLen: 2);

        Assert.Equal(3, dataset.Count);
        Assert.Equal(2, dataset.SeqLen);
        Assert.Equal([4, 5], dataset.Sequence(0).ToArray());
        Assert.Equal([1f, 0f, 1f], dataset.Labels);
        Assert.Throws<ArgumentException>(() => Sequences.PadSequences(s_sequences, [1f], maxLen: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.PadSequences(s_sequences, maxLen: 0));
    }
}
