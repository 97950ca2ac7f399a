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

    [Fact]
    public void Changed_options_miss_the_cache()
    {
        using var temp = new TempFolder();
        ImdbOptions options = TinyImdb.Options(TinyImdb.WriteArchive(temp), temp.Combine("cache"));
        ImdbDataset first = ImdbDataset.Load(options);

        ImdbOptions[] changed =
        [
            options with { SeqLen = 7 }, options with { NumWords = 13 }, options with { NumWords = null }, options with { SkipTop = 1 },
            options with { Padding = Padding.Post }, options with { Truncating = Truncating.Post }, options with { ShuffleSeed = 1 }, options with { ShuffleSeed = null },
        ];

        foreach (ImdbOptions other in changed)
        {
            ImdbDataset loaded = ImdbDataset.Load(other);
            Assert.False(loaded.LoadedFromCache);
            Assert.NotEqual(first.CachePath, loaded.CachePath);
        }

        Assert.True(ImdbDataset.Load(options).LoadedFromCache);
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
