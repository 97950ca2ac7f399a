using System.Diagnostics;
using RnnGen.Initialization;

namespace RnnGen.Data;

/// <summary>
/// The IMDB sentiment dataset ready for a model, as Keras' <c>imdb.load_data(num_words)</c> followed by
/// <c>pad_sequences(maxlen)</c> gives it: 25,000 training and 25,000 test reviews, encoded with the training vocabulary.
/// Unlike <c>load_data(maxlen=…)</c>, no review is dropped; long ones are truncated.
/// </summary>
public sealed class ImdbDataset
{
    private ImdbDataset(SequenceDataset train, SequenceDataset test, Vocabulary vocabulary, ImdbOptions options)
    {
        Train = train;
        Test = test;
        Vocabulary = vocabulary;
        Options = options;
    }

    /// <summary>The training reviews, <c>[25000, SeqLen]</c>.</summary>
    public SequenceDataset Train { get; }

    /// <summary>The test reviews, <c>[25000, SeqLen]</c>.</summary>
    public SequenceDataset Test { get; }

    /// <summary>The training vocabulary; save it beside a trained model to encode raw text later.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The options the data was encoded with.</summary>
    public ImdbOptions Options { get; }

    /// <summary>The file or folder the reviews came from, and where it was found; null for <see cref="FromReviews"/>.</summary>
    public DataLocation? Source { get; private init; }

    /// <summary>The encoded cache file read or written, or null when none was.</summary>
    public string? CachePath { get; private init; }

    /// <summary>Whether the data came from the encoded cache rather than from reading the reviews.</summary>
    public bool LoadedFromCache { get; private init; }

    /// <summary>Lets a load be written <c>var (train, test, vocabulary) = ImdbDataset.Load();</c>.</summary>
    public void Deconstruct(out SequenceDataset train, out SequenceDataset test, out Vocabulary vocabulary)
    {
        train = Train;
        test = Test;
        vocabulary = Vocabulary;
    }

    /// <summary>
    /// Finds the data (see <see cref="DataLocator"/>), downloading it if allowed and found nowhere, then returns the encoded
    /// cache when one matches the data and options, else reads, encodes and caches the reviews.
    /// </summary>
    public static ImdbDataset Load(ImdbOptions? options = null)
    {
        options ??= new ImdbOptions();
        options.Validate();
        string cacheFolder = options.CacheFolder ?? DataLocator.DefaultCacheFolder();
        DataLocator locator = options.Locator ?? DataLocator.ForCurrentProcess();
        DataLocation location = locator.Find(options.DataPath, cacheFolder) ?? Download(options, locator, cacheFolder);

        var stopwatch = Stopwatch.StartNew();
        byte[]? fingerprint = options.UseCache && EncodedCache.IsSupported ? SourceFingerprint.Compute(location.Path) : null;
        string? cachePath = fingerprint is null ? null : EncodedCache.PathFor(cacheFolder, fingerprint, options);
        if (cachePath is not null)
        {
            var cached = EncodedCache.TryRead(cachePath, fingerprint!, options, out string? problem);
            if (cached is var (vocabulary, train, test))
            {
                options.Log?.WriteLine($"IMDB: {location.Path} read from the encoded cache {cachePath} in {Seconds(stopwatch)}.");
                return new ImdbDataset(train, test, vocabulary, options) { Source = location, CachePath = cachePath, LoadedFromCache = true };
            }

            if (problem is not null)
            {
                options.Log?.WriteLine($"IMDB: ignoring the encoded cache {cachePath}: {problem}. Rebuilding it.");
            }
        }

        ImdbDataset data = FromReviews(ImdbReader.Read(location.Path, options.MaxReviewBytes), options);
        if (cachePath is not null)
        {
            try
            {
                EncodedCache.Write(cachePath, fingerprint!, options, data);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                options.Log?.WriteLine($"IMDB: could not write the encoded cache {cachePath}: {e.Message}");
                cachePath = null;
            }
        }

        options.Log?.WriteLine($"IMDB: {location.Path} read and encoded in {Seconds(stopwatch)}.");
        return new ImdbDataset(data.Train, data.Test, data.Vocabulary, options) { Source = location, CachePath = cachePath };
    }

    /// <summary>
    /// Encodes reviews already read: the vocabulary is ranked over the training split; each review becomes the start id and
    /// its word ids (limited by <see cref="ImdbOptions.NumWords"/> and <see cref="ImdbOptions.SkipTop"/>), padded or
    /// truncated to <see cref="ImdbOptions.SeqLen"/>, then each split is shuffled by <see cref="ImdbOptions.ShuffleSeed"/>.
    /// </summary>
    public static ImdbDataset FromReviews(ImdbReviews reviews, ImdbOptions options)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (int[][] words, WordTable table) = Tokenize([.. reviews.Train, .. reviews.Test], reviews.Train.Count);
        (Vocabulary vocabulary, int[] kerasIds) = table.Rank();

        RnnRandom? random = options.ShuffleSeed is int seed ? new RnnRandom(seed) : null;
        SequenceDataset train = Encode(words.AsSpan(0, reviews.Train.Count), reviews.Train, kerasIds, options, random);
        SequenceDataset test = Encode(words.AsSpan(reviews.Train.Count), reviews.Test, kerasIds, options, random);
        return new ImdbDataset(train, test, vocabulary, options);
    }

    /// <summary>Encodes raw text for a model trained on data loaded with <paramref name="options"/>: <c>SeqLen</c> ids.</summary>
    public static int[] EncodeText(string text, Vocabulary vocabulary, ImdbOptions options)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        return vocabulary.EncodePadded(text, options.SeqLen, options.NumWords, options.SkipTop, options.Padding, options.Truncating);
    }

    /// <summary>Encodes raw text with this dataset's vocabulary and options: <c>SeqLen</c> ids.</summary>
    public int[] Encode(string text) => EncodeText(text, Vocabulary, Options);

    /// <summary>
    /// The provisional word ids of every review, and the table they refer to. Tokenizing is most of a cold load, so contiguous
    /// chunks are tokenized in parallel into tables of their own, then merged; the ranking depends only on the merged counts,
    /// so the result does not depend on the number of chunks.
    /// </summary>
    private static (int[][] Words, WordTable Table) Tokenize(Review[] reviews, int trainingCount)
    {
        int chunks = Math.Clamp(reviews.Length / 1000, 1, Math.Min(Environment.ProcessorCount, 16));
        int[][] words = new int[reviews.Length][];
        var tables = new WordTable[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            var table = new WordTable();
            for (int i = ChunkStart(chunk); i < ChunkStart(chunk + 1); i++)
            {
                words[i] = table.Add(reviews[i].Text, isTraining: i < trainingCount);
            }

            tables[chunk] = table;
        });

        WordTable merged = tables[0];
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            int[] map = merged.Merge(tables[chunk]);
            for (int i = ChunkStart(chunk); i < ChunkStart(chunk + 1); i++)
            {
                int[] ids = words[i];
                for (int j = 0; j < ids.Length; j++)
                {
                    ids[j] = map[ids[j]];
                }
            }
        }

        return (words, merged);

        int ChunkStart(int chunk) => (int)((long)reviews.Length * chunk / chunks);
    }

    private static SequenceDataset Encode(ReadOnlySpan<int[]> words, IReadOnlyList<Review> reviews, int[] kerasIds, ImdbOptions options, RnnRandom? random)
    {
        int[] order = [.. Enumerable.Range(0, words.Length)];
        random?.Shuffle(order.AsSpan());

        int seqLen = options.SeqLen;
        int[] tokens = new int[checked(words.Length * seqLen)];
        float[] labels = new float[words.Length];
        for (int row = 0; row < order.Length; row++)
        {
            int[] source = words[order[row]];
            int[] sequence = new int[source.Length + 1];
            sequence[0] = Vocabulary.LimitId(Vocabulary.StartId, options.NumWords, options.SkipTop);
            for (int i = 0; i < source.Length; i++)
            {
                sequence[i + 1] = Vocabulary.LimitId(kerasIds[source[i]], options.NumWords, options.SkipTop);
            }

            Sequences.PadSequence(sequence, tokens.AsSpan(row * seqLen, seqLen), options.Padding, options.Truncating);
            Review review = reviews[order[row]];
            labels[row] = options.Labels == ImdbLabels.Rating ? ImdbReader.RatingClassOf(review) : review.Label;
        }

        return new SequenceDataset(tokens, labels, seqLen);
    }

    private static DataLocation Download(ImdbOptions options, DataLocator locator, string cacheFolder)
    {
        if (!options.AllowDownload)
        {
            throw new ImdbDataException(
                $"The IMDB dataset was not found and downloading is off (AllowDownload = false): {locator.DescribeSearch(cacheFolder)}.");
        }

        string path = ImdbDownloader.Download(options.Download, cacheFolder, options.HttpHandler, options.Log);
        return new DataLocation(path, DataOrigin.Download);
    }

    private static string Seconds(Stopwatch stopwatch) => FormattableString.Invariant($"{stopwatch.Elapsed.TotalSeconds:F2} s");
}
