using RnnGen.Data;
using RnnGen.Initialization;

namespace RnnGen.Data.Tests;

public sealed class ImdbDatasetTests
{
    private static ImdbReviews TinyReviews()
    {
        using var temp = new TempFolder();
        return ImdbReader.ReadArchive(TinyImdb.WriteArchive(temp));
    }

    [Fact]
    public void The_vocabulary_is_ranked_over_the_training_split_only()
    {
        ImdbDataset data = ImdbDataset.FromReviews(TinyReviews(), new ImdbOptions { NumWords = null, SeqLen = 8, ShuffleSeed = null });

        // "bad" and "great" both occur 5 times in training; ordinal order ranks "bad" first.
        Assert.Equal(["bad", "great", "the", "film", "a"], data.Vocabulary.Words.Take(5));
        Assert.DoesNotContain("classic", data.Vocabulary.Words);
        Assert.DoesNotContain("zebra", data.Vocabulary.Words);
        Assert.Equal(15, data.Vocabulary.Count);
    }

    [Fact]
    public void Reviews_are_encoded_with_start_id_limit_and_padding()
    {
        var options = new ImdbOptions { NumWords = 12, SeqLen = 8, ShuffleSeed = null };

        ImdbDataset data = ImdbDataset.FromReviews(TinyReviews(), options);

        // test/pos: "Great! A classic, a masterpiece." -> start, great(5), a(8), oov, a(8), oov; pre-padded.
        Assert.Equal([0, 0, 1, 5, 8, 2, 8, 2], data.Test.Sequence(1).ToArray());
        // train/neg/0_2: "A dull film; the plot was dull." -> a(8) dull(11) film(7) the(6) plot(14→oov) was(18→oov) dull(11).
        Assert.Equal([1, 8, 11, 7, 6, 2, 2, 11], data.Train.Sequence(0).ToArray());
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], data.Train.Labels);
        Assert.Equal([0f, 1f], data.Test.Labels);
        Assert.All(data.Train.Tokens.Concat(data.Test.Tokens), id => Assert.InRange(id, 0, 11));
    }

    [Fact]
    public void Raw_text_encodes_exactly_as_the_dataset_rows()
    {
        ImdbReviews reviews = TinyReviews();
        var options = new ImdbOptions { NumWords = 10, SeqLen = 5, ShuffleSeed = null, Padding = Padding.Post, Truncating = Truncating.Post };

        ImdbDataset data = ImdbDataset.FromReviews(reviews, options);

        for (int i = 0; i < reviews.Train.Count; i++)
        {
            Assert.Equal(data.Train.Sequence(i).ToArray(), data.Encode(reviews.Train[i].Text));
            Assert.Equal(data.Train.Sequence(i).ToArray(), ImdbDataset.EncodeText(reviews.Train[i].Text, data.Vocabulary, options));
        }
    }

    [Fact]
    public void Shuffling_permutes_train_then_test_with_one_seeded_generator()
    {
        // Every review is one distinct word repeated, so a row identifies its review.
        Review[] Split(string split) => [.. Enumerable.Range(0, 10).Select(i => new Review($"aclImdb/{split}/{(i % 2 == 0 ? "pos" : "neg")}/{i}_7.txt", $"w{i} w{i}", i % 2 == 0 ? 1 : 0))];
        var reviews = new ImdbReviews(Split("train"), Split("test"));
        var options = new ImdbOptions { SeqLen = 3, NumWords = null };

        ImdbDataset ordered = ImdbDataset.FromReviews(reviews, options with { ShuffleSeed = null });
        ImdbDataset shuffled = ImdbDataset.FromReviews(reviews, options with { ShuffleSeed = 113 });

        var random = new RnnRandom(113);
        int[] trainOrder = [.. Enumerable.Range(0, 10)];
        int[] testOrder = [.. Enumerable.Range(0, 10)];
        random.Shuffle(trainOrder.AsSpan());
        random.Shuffle(testOrder.AsSpan());
        Assert.NotEqual(Enumerable.Range(0, 10), trainOrder);
        Assert.NotEqual(Enumerable.Range(0, 10), testOrder);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(ordered.Train.Sequence(trainOrder[i]).ToArray(), shuffled.Train.Sequence(i).ToArray());
            Assert.Equal(ordered.Train.Labels[trainOrder[i]], shuffled.Train.Labels[i]);
            Assert.Equal(ordered.Test.Sequence(testOrder[i]).ToArray(), shuffled.Test.Sequence(i).ToArray());
            Assert.Equal(ordered.Test.Labels[testOrder[i]], shuffled.Test.Labels[i]);
        }
    }

    [Fact]
    public void Load_deconstructs_into_train_test_and_vocabulary()
    {
        using var temp = new TempFolder();
        string archive = TinyImdb.WriteArchive(temp);

        var (train, test, vocabulary) = ImdbDataset.Load(TinyImdb.Options(archive, temp.Combine("cache")));

        Assert.Equal((6, 2, 6), (train.Count, test.Count, train.SeqLen));
        Assert.Equal("bad", vocabulary.GetWord(4));
    }

    [Fact]
    public void Invalid_options_are_rejected_before_any_work()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImdbDataset.Load(new ImdbOptions { SeqLen = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImdbDataset.Load(new ImdbOptions { NumWords = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImdbDataset.Load(new ImdbOptions { SkipTop = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImdbDataset.Load(new ImdbOptions { Padding = (Padding)7 }));
    }
}
