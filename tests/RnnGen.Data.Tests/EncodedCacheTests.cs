using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class EncodedCacheTests
{
    private static void AssertSameData(ImdbDataset expected, ImdbDataset actual)
    {
        Assert.Equal(expected.Train.Tokens, actual.Train.Tokens);
        Assert.Equal(expected.Train.Labels, actual.Train.Labels);
        Assert.Equal(expected.Test.Tokens, actual.Test.Tokens);
        Assert.Equal(expected.Test.Labels, actual.Test.Labels);
        Assert.Equal(expected.Vocabulary.Words, actual.Vocabulary.Words);
    }

    [Fact]
    public void The_second_load_comes_from_the_cache_with_identical_data()
    {
        using var temp = new TempFolder();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache"));

        ImdbDataset first = ImdbDataset.Load(options);
        ImdbDataset second = ImdbDataset.Load(options);

        Assert.False(first.LoadedFromCache);
        Assert.True(second.LoadedFromCache);
        Assert.Equal(first.CachePath, second.CachePath);
        Assert.True(File.Exists(second.CachePath));
        AssertSameData(first, second);
    }

    [Fact]
    public void An_extracted_folder_is_cached_too()
    {
        using var temp = new TempFolder();
        TinyImdb.WriteFolder(temp.Combine("data"), TinyImdb.Entries());
        ImdbOptions options = TinyImdb.Options(temp.Combine("data"), temp.Combine("cache"));

        ImdbDataset first = ImdbDataset.Load(options);
        ImdbDataset second = ImdbDataset.Load(options);

        Assert.True(second.LoadedFromCache);
        AssertSameData(first, second);
    }

    public static TheoryData<string> Damages => ["flip-byte", "truncate", "garbage", "empty", "wrong-version"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_cache_is_detected_and_rebuilt(string damage)
    {
        using var temp = new TempFolder();
        var log = new StringWriter();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache"), log);
        ImdbDataset original = ImdbDataset.Load(options);
        string cache = original.CachePath!;
        byte[] bytes = File.ReadAllBytes(cache);
        switch (damage)
        {
            case "flip-byte": bytes[bytes.Length / 2] ^= 0x40; break;
            case "truncate": bytes = bytes[..(bytes.Length - 7)]; break;
            case "garbage": bytes = [.. Enumerable.Range(0, bytes.Length).Select(i => (byte)(i * 31))]; break;
            case "empty": bytes = []; break;
            case "wrong-version": bytes[8]++; break;
        }

        File.WriteAllBytes(cache, bytes);

        ImdbDataset rebuilt = ImdbDataset.Load(options);
        ImdbDataset cachedAgain = ImdbDataset.Load(options);

        Assert.False(rebuilt.LoadedFromCache);
        Assert.Contains("ignoring the encoded cache", log.ToString());
        AssertSameData(original, rebuilt);
        Assert.True(cachedAgain.LoadedFromCache);
    }

    public static TheoryData<string> ChangedOptions =>
        ["SeqLen 7", "SeqLen 3", "NumWords 13", "NumWords all", "SkipTop 4", "Padding post", "Truncating post", "ShuffleSeed 1", "ShuffleSeed none", "Labels rating"];

    private static ImdbOptions Change(ImdbOptions options, string change) => change switch
    {
        "SeqLen 7" => options with { SeqLen = 7 },
        "SeqLen 3" => options with { SeqLen = 3 },
        "NumWords 13" => options with { NumWords = 13 },
        "NumWords all" => options with { NumWords = null },
        "SkipTop 4" => options with { SkipTop = 4 },
        "Padding post" => options with { Padding = Padding.Post },
        "Truncating post" => options with { Truncating = Truncating.Post, SeqLen = 3 },
        "ShuffleSeed 1" => options with { ShuffleSeed = 1 },
        "ShuffleSeed none" => options with { ShuffleSeed = null },
        "Labels rating" => options with { Labels = ImdbLabels.Rating },
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    [Theory]
    [MemberData(nameof(ChangedOptions))]
    public void Every_option_is_served_by_the_one_cache_of_the_words_with_the_data_of_a_cold_load(string change)
    {
        using var temp = new TempFolder();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache"));
        ImdbDataset first = ImdbDataset.Load(options);
        ImdbOptions other = Change(options, change);

        ImdbDataset cached = ImdbDataset.Load(other);
        ImdbDataset cold = ImdbDataset.Load(other with { UseCache = false });

        Assert.True(cached.LoadedFromCache);
        Assert.Equal(first.CachePath, cached.CachePath);
        Assert.Single(Directory.EnumerateFiles(temp.Combine("cache"), "imdb-*"));
        Assert.False(cold.LoadedFromCache);
        AssertSameData(cold, cached);
        Assert.Equal(other.SeqLen, cached.Train.SeqLen);
    }

    [Fact]
    public void Rating_labels_are_the_star_classes_of_the_file_names()
    {
        using var temp = new TempFolder();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache")) with { ShuffleSeed = null, Labels = ImdbLabels.Rating };

        ImdbDataset data = ImdbDataset.Load(options);

        // Path order: neg/0_2, neg/1_1, neg/3_4, pos/0_9, pos/10_8, pos/2_7; the classes index 1, 2, 3, 4, 7, 8, 9, 10.
        Assert.Equal([1f, 0f, 3f, 6f, 5f, 4f], data.Train.Labels);
        Assert.Equal([2f, 7f], data.Test.Labels);
    }

    [Fact]
    public void Rating_labels_name_a_review_without_a_rating_even_when_the_words_are_cached()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("unrated.tar.gz");
        TinyImdb.WriteArchive(archive, TinyImdb.Entries().Append(("aclImdb/train/pos/77.txt", "Great, unrated."u8.ToArray())));
        ImdbOptions options = TinyImdb.Options(archive, temp.Combine("cache"));
        Assert.False(ImdbDataset.Load(options).LoadedFromCache);
        Assert.True(ImdbDataset.Load(options).LoadedFromCache);

        var error = Assert.Throws<ImdbDataException>(() => ImdbDataset.Load(options with { Labels = ImdbLabels.Rating }));

        Assert.Contains("aclImdb/train/pos/77.txt", error.Message);
    }

    public static TheoryData<string> HashedDamages => ["malformed-word", "id-outside-vocabulary"];

    /// <summary>
    /// Damage a hash cannot catch: the file is changed and re-hashed, as a hand-made one would be. The vocabulary starts
    /// after the 64-byte header, and the last four bytes before the hash are the last test review's last word id.
    /// </summary>
    [Theory]
    [MemberData(nameof(HashedDamages))]
    public void A_cache_with_a_valid_hash_but_inconsistent_contents_is_rebuilt(string damage)
    {
        using var temp = new TempFolder();
        var log = new StringWriter();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache"), log);
        ImdbDataset original = ImdbDataset.Load(options);
        byte[] bytes = File.ReadAllBytes(original.CachePath!);
        const int vocabularyStart = 64;
        string expected;
        if (damage == "malformed-word")
        {
            // An upper-case letter makes the first word one the tokenizer never produces.
            Assert.InRange(bytes[vocabularyStart], (byte)'a', (byte)'z');
            bytes[vocabularyStart] -= 'a' - 'A';
            expected = "its vocabulary is not valid";
        }
        else
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 32 - 4, 4), original.Vocabulary.Count + 4);
            expected = "outside the vocabulary";
        }

        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(original.CachePath!, bytes);

        ImdbDataset rebuilt = ImdbDataset.Load(options);

        Assert.False(rebuilt.LoadedFromCache);
        Assert.Contains(expected, log.ToString());
        AssertSameData(original, rebuilt);
    }

    [Fact]
    public void A_review_label_other_than_0_or_1_is_named()
    {
        var reviews = new ImdbReviews([new Review("aclImdb/train/pos/0_9.txt", "good", 1), new Review("aclImdb/train/pos/1_9.txt", "fine", 2)], []);

        var error = Assert.Throws<ArgumentException>(() => ImdbDataset.FromReviews(reviews, new ImdbOptions { Log = null }));

        Assert.Contains("'aclImdb/train/pos/1_9.txt' has the label 2", error.Message);
    }

    [Fact]
    public void Changed_data_misses_the_cache()
    {
        using var temp = new TempFolder();
        string archive = TinyImdb.WriteArchive(temp);
        ImdbOptions options = TinyImdb.Options(archive, temp.Combine("cache"));
        ImdbDataset first = ImdbDataset.Load(options);

        TinyImdb.WriteArchive(archive, TinyImdb.Entries().Append(("aclImdb/train/pos/99_9.txt", "Great great great!"u8.ToArray())));
        ImdbDataset second = ImdbDataset.Load(options);

        Assert.False(second.LoadedFromCache);
        Assert.NotEqual(first.CachePath, second.CachePath);
        Assert.Equal(7, second.Train.Count);
    }

    [Fact]
    public void UseCache_false_neither_reads_nor_writes_a_cache()
    {
        using var temp = new TempFolder();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache")) with { UseCache = false };

        ImdbDataset first = ImdbDataset.Load(options);

        Assert.Null(first.CachePath);
        Assert.False(Directory.Exists(temp.Combine("cache")) && Directory.EnumerateFiles(temp.Combine("cache")).Any());
    }
}
