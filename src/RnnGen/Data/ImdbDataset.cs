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
        string? cachePath = fingerprint is null ? null : EncodedCache.PathFor(cacheFolder, fingerprint);
        if (cachePath is not null)
        {
            TokenizedImdb? cached = EncodedCache.TryRead(cachePath, fingerprint!, out string? problem);

            // A cache made from reviews without ratings in their names cannot label by rating; reading the reviews again
            // then reports the first such review by name.
            if (cached is not null && (options.Labels != ImdbLabels.Rating || (cached.Train.HasEveryRating && cached.Test.HasEveryRating)))
            {
                options.Log?.WriteLine($"IMDB: {location.Path} read from the encoded cache {cachePath} in {Seconds(stopwatch)}.");
                return Encode(cached, options, location, cachePath, loadedFromCache: true);
            }

            if (problem is not null)
            {
                options.Log?.WriteLine($"IMDB: ignoring the encoded cache {cachePath}: {problem}. Rebuilding it.");
            }
        }

        ImdbReviews reviews = ImdbReader.Read(location.Path, options.MaxReviewBytes);
        TokenizedImdb tokenized = TokenizedImdb.From(reviews);
        CheckLabels(tokenized, reviews, options);
        if (cachePath is not null)
        {
            try
            {
                EncodedCache.Write(cachePath, fingerprint!, tokenized);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                options.Log?.WriteLine($"IMDB: could not write the encoded cache {cachePath}: {e.Message}");
                cachePath = null;
            }
        }

        options.Log?.WriteLine($"IMDB: {location.Path} read and encoded in {Seconds(stopwatch)}.");
        return Encode(tokenized, options, location, cachePath, loadedFromCache: false);
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
        TokenizedImdb tokenized = TokenizedImdb.From(reviews);
        CheckLabels(tokenized, reviews, options);
        return Encode(tokenized, options);
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

    /// <summary>Rating labels need a rating in every file name; the first review without one is named.</summary>
    private static void CheckLabels(TokenizedImdb tokenized, ImdbReviews reviews, ImdbOptions options)
    {
        if (options.Labels != ImdbLabels.Rating)
        {
            return;
        }

        // Tokenizing already read every rating; the first review marked as having none is named by RatingClassOf.
        foreach ((TokenizedSplit split, IReadOnlyList<Review> splitReviews) in new[] { (tokenized.Train, reviews.Train), (tokenized.Test, reviews.Test) })
        {
            int unrated = Array.IndexOf(split.RatingClasses, TokenizedSplit.NoRating);
            if (unrated >= 0)
            {
                _ = ImdbReader.RatingClassOf(splitReviews[unrated]);
            }
        }
    }

    /// <summary>Applies the options to the tokenized reviews: one generator shuffles the training split, then the test split.</summary>
    private static ImdbDataset Encode(
        TokenizedImdb tokenized, ImdbOptions options, DataLocation? source = null, string? cachePath = null, bool loadedFromCache = false)
    {
        RnnRandom? random = options.ShuffleSeed is int seed ? new RnnRandom(seed) : null;
        SequenceDataset train = Encode(tokenized.Train, options, random);
        SequenceDataset test = Encode(tokenized.Test, options, random);
        return new ImdbDataset(train, test, tokenized.Vocabulary, options) { Source = source, CachePath = cachePath, LoadedFromCache = loadedFromCache };
    }

    private static SequenceDataset Encode(TokenizedSplit split, ImdbOptions options, RnnRandom? random)
    {
        int[] order = [.. Enumerable.Range(0, split.Count)];
        random?.Shuffle(order.AsSpan());

        int seqLen = options.SeqLen;
        int[] tokens = new int[checked(split.Count * seqLen)];
        float[] labels = new float[split.Count];
        int[] sequence = new int[split.LongestReview + 1];
        for (int row = 0; row < order.Length; row++)
        {
            ReadOnlySpan<int> words = split.Review(order[row]);
            sequence[0] = Vocabulary.LimitId(Vocabulary.StartId, options.NumWords, options.SkipTop);
            for (int i = 0; i < words.Length; i++)
            {
                sequence[i + 1] = Vocabulary.LimitId(words[i], options.NumWords, options.SkipTop);
            }

            Sequences.PadSequence(sequence.AsSpan(0, words.Length + 1), tokens.AsSpan(row * seqLen, seqLen), options.Padding, options.Truncating);
            labels[row] = options.Labels == ImdbLabels.Rating ? split.RatingClasses[order[row]] : split.Labels[order[row]];
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
