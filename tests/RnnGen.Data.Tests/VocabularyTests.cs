using System.Text;
using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class VocabularyTests
{
    [Fact]
    public void Most_frequent_word_gets_id_4_and_reserved_ids_stay_free()
    {
        Vocabulary vocabulary = Vocabulary.Build(["b a a", "c b a"]);

        Assert.Equal(["a", "b", "c"], vocabulary.Words);
        Assert.Equal(4, vocabulary.GetId("a"));
        Assert.Equal(5, vocabulary.GetId("b"));
        Assert.Equal(6, vocabulary.GetId("c"));
        Assert.Equal(Vocabulary.OovId, vocabulary.GetId("unseen"));
        Assert.Equal("a", vocabulary.GetWord(4));
        Assert.Null(vocabulary.GetWord(3));
        Assert.Null(vocabulary.GetWord(7));
        Assert.Equal((0, 1, 2, 3), (Vocabulary.PadId, Vocabulary.StartId, Vocabulary.OovId, Vocabulary.IndexFrom));
    }

    [Fact]
    public void Ties_are_broken_in_ordinal_order_not_by_culture_or_first_appearance()
    {
        // Ordinal order puts 'z' (U+007A) before 'é' (U+00E9) and "a'b" before "ab"; a culture-aware sort would not.
        Vocabulary vocabulary = Vocabulary.Build(["zeta éa ab a'b", "common common"]);

        Assert.Equal(["common", "a'b", "ab", "zeta", "éa"], vocabulary.Words);
    }

    [Fact]
    public void Encode_prepends_the_start_id_and_maps_unknown_words_to_oov()
    {
        Vocabulary vocabulary = Vocabulary.Build(["b a a", "c b a"]);

        Assert.Equal([1, 4, 5, 6, 2], vocabulary.Encode("A, b. C! zebra"));
        Assert.Equal([1], vocabulary.Encode("..."));
    }

    [Fact]
    public void NumWords_turns_every_id_at_or_above_it_into_oov()
    {
        Vocabulary vocabulary = Vocabulary.Build(["b a a", "c b a"]);

        Assert.Equal([1, 4, 5, 2], vocabulary.Encode("a b c", numWords: 6));
        Assert.Equal([1, 4, 2, 2], vocabulary.Encode("a b c", numWords: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Encode("a", numWords: 2));
    }

    [Fact]
    public void SkipTop_follows_keras_and_also_turns_the_start_id_into_oov()
    {
        Vocabulary vocabulary = Vocabulary.Build(["b a a", "c b a"]);

        Assert.Equal([2, 2, 5, 6], vocabulary.Encode("a b c", skipTop: 5));
        Assert.Equal([2, 2, 5, 2], vocabulary.Encode("a b c", numWords: 6, skipTop: 5));
    }

    [Fact]
    public void EncodePadded_pads_and_truncates_like_pad_sequences()
    {
        Vocabulary vocabulary = Vocabulary.Build(["b a a", "c b a"]);

        Assert.Equal([0, 0, 1, 4, 5], vocabulary.EncodePadded("a b", seqLen: 5));
        Assert.Equal([1, 4, 5, 0, 0], vocabulary.EncodePadded("a b", seqLen: 5, padding: Padding.Post));
        Assert.Equal([5, 6], vocabulary.EncodePadded("a b c", seqLen: 2));
        Assert.Equal([1, 4], vocabulary.EncodePadded("a b c", seqLen: 2, truncating: Truncating.Post));
    }

    [Fact]
    public void Save_and_load_round_trip_one_word_per_line_in_rank_order()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("vocabulary.txt");
        Vocabulary vocabulary = Vocabulary.Build(["b a a naïve", "c b a"]);

        vocabulary.Save(path);
        Vocabulary loaded = Vocabulary.Load(path);

        Assert.Equal("a\nb\nc\nnaïve\n", File.ReadAllText(path).ReplaceLineEndings("\n"));
        Assert.Equal(vocabulary.Words, loaded.Words);
        Assert.Equal(vocabulary.Encode("naïve a zebra", numWords: 7), loaded.Encode("naïve a zebra", numWords: 7));
    }

    [Theory]
    [InlineData("good\ntwo words\n", "line 2")]
    [InlineData("good\n\nbad\n", "line 2")]
    [InlineData("good\nGood\n", "line 2")]
    [InlineData("good\nfine\ngood\n", "line 3")]
    public void Load_rejects_a_malformed_file_naming_the_line(string content, string line)
    {
        using var temp = new TempFolder();
        string path = temp.Combine("vocabulary.txt");
        File.WriteAllText(path, content);

        var error = Assert.Throws<ImdbDataException>(() => Vocabulary.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(line, error.Message);
    }

    [Fact]
    public void Load_rejects_invalid_utf8_naming_the_file()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("vocabulary.txt");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("good\n"), 0xC3, 0x28, (byte)'\n']);

        var error = Assert.Throws<ImdbDataException>(() => Vocabulary.Load(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Constructor_rejects_duplicates_and_non_words()
    {
        Assert.Throws<ArgumentException>(() => new Vocabulary(["a", "b", "a"]));
        Assert.Throws<ArgumentException>(() => new Vocabulary(["a", "b!"]));
        Assert.Equal(5, new Vocabulary(["a", "b"]).GetId("b"));
    }
}
