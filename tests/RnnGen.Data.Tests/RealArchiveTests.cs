using System.Diagnostics;
using RnnGen.Data;
using Xunit.Abstractions;

namespace RnnGen.Data.Tests;

/// <summary>The project's shared copy of the dataset; the test reports and returns when a checkout has none beside it.</summary>
public sealed class RealArchiveTests(ITestOutputHelper output)
{
    [Fact]
    public void The_shared_archive_loads_as_keras_describes_it_and_the_second_load_is_cached()
    {
        using var cache = new TempFolder();
        DataLocation? location = new DataLocator(null, [AppContext.BaseDirectory, Environment.CurrentDirectory]).Find(null, cache.Path);
        if (location is not { Origin: DataOrigin.SharedFolder })
        {
            output.WriteLine($"The shared archive shared/data/imdb/{DataLocator.LabeledArchiveName} is absent; nothing to check.");
            return;
        }

        // Path order (no shuffle) lets rows be matched to reviews below.
        var options = new ImdbOptions { DataPath = location.Path, CacheFolder = cache.Path, AllowDownload = false, Log = null, ShuffleSeed = null };
        var stopwatch = Stopwatch.StartNew();
        ImdbDataset cold = ImdbDataset.Load(options);
        TimeSpan coldTime = stopwatch.Elapsed;
        stopwatch.Restart();
        ImdbDataset cached = ImdbDataset.Load(options);
        TimeSpan cachedTime = stopwatch.Elapsed;
        output.WriteLine($"{location.Path}: cold load {coldTime.TotalSeconds:F2} s, cached load {cachedTime.TotalSeconds:F3} s");

        Assert.False(cold.LoadedFromCache);
        Assert.True(cached.LoadedFromCache);
        Assert.True(cachedTime < coldTime);
        Assert.Equal(cold.Train.Tokens, cached.Train.Tokens);
        Assert.Equal(cold.Test.Labels, cached.Test.Labels);
        Assert.Equal((25_000, 25_000, 80), (cold.Train.Count, cold.Test.Count, cold.Train.SeqLen));
        Assert.Equal(12_500, cold.Train.Labels.Count(label => label == 1));
        Assert.Equal(12_500, cold.Test.Labels.Count(label => label == 1));
        Assert.All(cold.Train.Tokens, id => Assert.InRange(id, 0, 9_999));

        ImdbReviews reviews = ImdbReader.ReadArchive(location.Path);
        Assert.Equal(reviews.Train.Select(r => (float)r.Label), cold.Train.Labels);
        for (int i = 0; i < 25_000; i += 97)
        {
            Assert.Equal(cold.Train.Sequence(i).ToArray(), cold.Encode(reviews.Train[i].Text));
            Assert.Equal(cold.Test.Sequence(i).ToArray(), cold.Encode(reviews.Test[i].Text));
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Review review in reviews.Train)
        {
            foreach (string word in ImdbTokenizer.Tokenize(review.Text))
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        string mostFrequent = counts.MaxBy(pair => pair.Value).Key;
        output.WriteLine($"most frequent training word: \"{mostFrequent}\" ({counts[mostFrequent]:N0}); vocabulary {cold.Vocabulary.Count:N0} words");
        Assert.Equal(4, cold.Vocabulary.GetId(mostFrequent));
        Assert.Equal("the", cold.Vocabulary.GetWord(4));
        Assert.Equal(counts.Count, cold.Vocabulary.Count);
    }
}
