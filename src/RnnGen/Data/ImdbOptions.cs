using RnnGen.Initialization;

namespace RnnGen.Data;

/// <summary>How <see cref="ImdbDataset.Load"/> finds, encodes and caches the IMDB reviews. The defaults are the tutorials' settings.</summary>
public sealed record ImdbOptions
{
    /// <summary>Keras' <c>num_words</c>: ids ≥ this become the OOV id 2; null keeps every word. Default 10,000.</summary>
    public int? NumWords { get; init; } = 10_000;

    /// <summary>Keras' <c>skip_top</c>: ids below this (the start id included, as in Keras) become the OOV id 2. Default 0.</summary>
    public int SkipTop { get; init; }

    /// <summary>The <c>maxlen</c> given to <c>pad_sequences</c>: every review is padded or truncated to this many ids. Default 80.</summary>
    public int SeqLen { get; init; } = 80;

    /// <summary>Where short reviews are padded. Default <see cref="Padding.Pre"/>, as in Keras.</summary>
    public Padding Padding { get; init; } = Padding.Pre;

    /// <summary>Which end of long reviews is cut. Default <see cref="Truncating.Pre"/> (keep the last ids), as in Keras.</summary>
    public Truncating Truncating { get; init; } = Truncating.Pre;

    /// <summary>
    /// Shuffles each split with <see cref="RnnRandom"/> from this seed (train first, then test, one generator), as Keras
    /// shuffles with seed 113 so that <c>validation_split</c> takes a mixed tail; null keeps the path order, in which every
    /// negative review comes before every positive one. Default 113.
    /// </summary>
    public int? ShuffleSeed { get; init; } = 113;

    /// <summary>An archive file or a folder to read instead of searching; see <see cref="DataLocator"/>.</summary>
    public string? DataPath { get; init; }

    /// <summary>Where downloads and encoded caches go; null is <see cref="DataLocator.DefaultCacheFolder"/>.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>Whether a missing dataset is downloaded into the cache folder. Default true.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>Whether the encoded dataset is read from and written to the cache folder. Default true.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>
    /// The largest review accepted, in bytes, when the reviews are read; a longer one is an <see cref="ImdbDataException"/>
    /// naming it. A load from the encoded cache reads no review, so this cap bounds only what reading allocates.
    /// </summary>
    public int MaxReviewBytes { get; init; } = ImdbReader.DefaultMaxReviewBytes;

    /// <summary>How the data is searched for; null is <see cref="DataLocator.ForCurrentProcess"/>.</summary>
    public DataLocator? Locator { get; init; }

    /// <summary>The download to make when the data is found nowhere. Default <see cref="DownloadSource.Original"/>.</summary>
    public DownloadSource Download { get; init; } = DownloadSource.Original;

    /// <summary>Replaces the network for the download (tests serve a small archive through it); null uses the network.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Receives progress and cache messages; null is silent. Default <see cref="Console.Error"/>.</summary>
    public TextWriter? Log { get; init; } = Console.Error;

    /// <summary>What the labels are: the sentiment (0 negative, 1 positive; the default) or the star rating as a class.</summary>
    public ImdbLabels Labels { get; init; } = ImdbLabels.Sentiment;

    internal void Validate()
    {
        Vocabulary.CheckLimits(NumWords, SkipTop);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SeqLen);
        if (!Enum.IsDefined(Padding) || !Enum.IsDefined(Truncating))
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), "Padding and Truncating must each be Pre or Post.");
        }

        ArgumentNullException.ThrowIfNull(Download);
        if (!Enum.IsDefined(Labels))
        {
            throw new ArgumentOutOfRangeException(nameof(Labels), Labels, "Labels must be Sentiment or Rating.");
        }
    }
}

/// <summary>The labels of the IMDB reviews.</summary>
public enum ImdbLabels
{
    /// <summary>Keras' labels: 0 for a negative review (rating 1-4), 1 for a positive one (rating 7-10).</summary>
    Sentiment = 0,

    /// <summary>
    /// The star rating in the file name (<c>&lt;id&gt;_&lt;rating&gt;.txt</c>) as one of 8 classes: class k is
    /// <see cref="ImdbReader.RatingStars"/>[k], the ratings 1, 2, 3, 4, 7, 8, 9 and 10 (the dataset has no 5 or 6).
    /// </summary>
    Rating = 1,
}
