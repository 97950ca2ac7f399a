using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace RnnGen.Data;

/// <summary>One review: its path inside the dataset (<c>aclImdb/train/pos/0_9.txt</c>), its text, and its label (1 positive, 0 negative).</summary>
public readonly record struct Review(string Path, string Text, int Label);

/// <summary>The labeled reviews of the Large Movie Review Dataset, each split sorted by path in ordinal order.</summary>
public sealed class ImdbReviews(IReadOnlyList<Review> train, IReadOnlyList<Review> test)
{
    /// <summary>The training reviews.</summary>
    public IReadOnlyList<Review> Train { get; } = train;

    /// <summary>The test reviews.</summary>
    public IReadOnlyList<Review> Test { get; } = test;
}

/// <summary>
/// Reads the Large Movie Review Dataset from <c>aclImdb_v1.tar.gz</c> (or its labeled copy) without extracting it, or from an
/// extracted <c>aclImdb</c> folder. Only <c>aclImdb/{train,test}/{pos,neg}/*.txt</c> are reviews; everything else
/// (<c>unsup</c>, <c>*.feat</c>, <c>urls_*.txt</c>, <c>imdb.vocab</c>, <c>README</c>) is skipped. Reviews must be non-empty
/// UTF-8, each at most <c>maxReviewBytes</c> long (<see cref="DefaultMaxReviewBytes"/>: the real reviews are under
/// 15 KB), and each path may occur once; anything wrong is an <see cref="ImdbDataException"/> naming the file or entry.
/// Nothing is allocated for what an entry merely declares: its size is checked against the cap before it is read.
/// </summary>
public static class ImdbReader
{
    private const string RootFolder = "aclImdb";
    private static readonly string[] s_splits = ["train", "test"];
    private static readonly string[] s_labels = ["neg", "pos"];

    /// <summary>The star ratings of the dataset, by rating class (<see cref="ImdbLabels.Rating"/>).</summary>
    public static IReadOnlyList<int> RatingStars => s_ratingStars;

    private static readonly int[] s_ratingStars = [1, 2, 3, 4, 7, 8, 9, 10];

    /// <summary>
    /// The rating class of a review from its file name, <c>&lt;id&gt;_&lt;rating&gt;.txt</c>: the index of the rating in
    /// <see cref="RatingStars"/>. A name without a rating the dataset uses is an error naming the review.
    /// </summary>
    public static int RatingClassOf(Review review)
    {
        int rating = TryRatingClassOf(review);
        return rating >= 0 ? rating
            : throw new ImdbDataException($"The review '{review.Path}' has no star rating its folder allows in its name (<id>_<rating>.txt with 1-4 under neg, 7-10 under pos).");
    }

    /// <summary>The rating class as <see cref="RatingClassOf"/> gives it, or -1 where that would be an error.</summary>
    internal static int TryRatingClassOf(Review review)
    {
        string name = Path.GetFileNameWithoutExtension(review.Path);
        int underscore = name.LastIndexOf('_');
        int stars = underscore >= 0 && int.TryParse(name.AsSpan(underscore + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) ? value : -1;
        int rating = Array.IndexOf(s_ratingStars, stars);
        return rating >= 0 && (rating >= 4 ? 1 : 0) == review.Label ? rating : -1;
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The default cap on one review's size in bytes: 1 MiB, some 70 times the longest real review (13.7 KB).</summary>
    public const int DefaultMaxReviewBytes = 1 << 20;

    /// <summary>Reads a <c>.tar.gz</c> file, or a folder that is <c>aclImdb</c> or contains it.</summary>
    public static ImdbReviews Read(string path, int maxReviewBytes = DefaultMaxReviewBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return ReadArchive(path, maxReviewBytes);
        }

        if (Directory.Exists(path))
        {
            return ReadFolder(path, maxReviewBytes);
        }

        throw new ImdbDataException($"The IMDB data path '{path}' does not exist.");
    }

    /// <summary>Reads a gzip-compressed tar archive file.</summary>
    public static ImdbReviews ReadArchive(string archivePath, int maxReviewBytes = DefaultMaxReviewBytes)
    {
        ArgumentNullException.ThrowIfNull(archivePath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReviewBytes);
        FileStream file;
        try
        {
            file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImdbDataException($"Cannot open the IMDB archive '{archivePath}': {e.Message}", e);
        }

        using (file)
        {
            return ReadArchive(file, archivePath, maxReviewBytes);
        }
    }

    /// <summary>Reads a gzip-compressed tar archive from a stream; <paramref name="sourceName"/> names it in errors.</summary>
    public static ImdbReviews ReadArchive(Stream gzipped, string sourceName, int maxReviewBytes = DefaultMaxReviewBytes)
    {
        ArgumentNullException.ThrowIfNull(gzipped);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReviewBytes);
        var collector = new Collector(sourceName);
        string? lastEntry = null;
        try
        {
            // TarReader reads 512-byte headers; buffering saves one inflate call per header.
            var gzip = new BufferedStream(new GZipStream(gzipped, CompressionMode.Decompress, leaveOpen: true), 1 << 16);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is TarEntry entry)
            {
                lastEntry = entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
                    || !TryParseReviewPath(entry.Name, out string path, out bool isTrain, out int label))
                {
                    continue;
                }

                // The declared size is checked before anything is allocated for it; the data stream then ends at that size.
                CheckSize(sourceName, entry.Name, entry.Length, maxReviewBytes);
                byte[] bytes = new byte[(int)entry.Length];
                entry.DataStream?.ReadExactly(bytes);
                collector.Add(path, bytes, isTrain, label);
            }

            // Reading past the tar end marker makes zlib reach the gzip trailer and check its CRC.
            gzip.CopyTo(Stream.Null);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or OverflowException)
        {
            string where = lastEntry is null ? "before the first entry" : $"last entry read: '{lastEntry}'";
            throw new ImdbDataException(
                $"The IMDB archive '{sourceName}' is truncated or corrupt ({where}): {e.Message.TrimEnd('.')}. Delete it and download it again.", e);
        }

        return collector.Finish(missing => $"The IMDB archive '{sourceName}' has no reviews under {missing}/.");
    }

    /// <summary>Reads an extracted dataset: <paramref name="folder"/> is <c>aclImdb</c> (it holds <c>train</c> and <c>test</c>) or contains it.</summary>
    public static ImdbReviews ReadFolder(string folder, int maxReviewBytes = DefaultMaxReviewBytes)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReviewBytes);
        string root = FindRootFolder(folder);
        var collector = new Collector(root);
        foreach (string split in s_splits)
        {
            foreach (string labelName in s_labels)
            {
                string directory = Path.Combine(root, split, labelName);
                if (!Directory.Exists(directory))
                {
                    throw new ImdbDataException($"The IMDB folder '{root}' has no {split}/{labelName} folder ('{directory}' is missing).");
                }

                foreach (string file in Directory.EnumerateFiles(directory, "*.txt"))
                {
                    string name = Path.GetFileName(file);
                    if (!name.EndsWith(".txt", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    byte[] bytes;
                    try
                    {
                        CheckSize(root, file, new FileInfo(file).Length, maxReviewBytes);
                        bytes = File.ReadAllBytes(file);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new ImdbDataException($"Cannot read the review '{file}': {e.Message}", e);
                    }

                    collector.Add($"{RootFolder}/{split}/{labelName}/{name}", bytes, split == "train", labelName == "pos" ? 1 : 0);
                }
            }
        }

        return collector.Finish(missing => $"The IMDB folder '{root}' has no reviews in {missing}/.");
    }

    private static void CheckSize(string sourceName, string entry, long length, int maxReviewBytes)
    {
        if (length > maxReviewBytes)
        {
            throw new ImdbDataException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{sourceName}: the review '{entry}' is {length:N0} bytes, more than the cap of {maxReviewBytes:N0} bytes per review (real IMDB reviews are under 15 KB; pass a larger maxReviewBytes to read longer documents)."));
        }
    }

    /// <summary>The folder holding <c>train</c> and <c>test</c>: <paramref name="folder"/> itself or its <c>aclImdb</c> child.</summary>
    internal static string FindRootFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ImdbDataException($"The IMDB folder '{folder}' does not exist.");
        }

        if (IsRootFolder(folder))
        {
            return folder;
        }

        string child = Path.Combine(folder, RootFolder);
        if (Directory.Exists(child))
        {
            return child;
        }

        throw new ImdbDataException(
            $"The folder '{folder}' is not an extracted IMDB dataset: it holds neither an {RootFolder} folder nor train and test folders.");
    }

    internal static bool IsRootFolder(string folder) =>
        Directory.Exists(Path.Combine(folder, "train")) || Directory.Exists(Path.Combine(folder, "test"));

    /// <summary>
    /// Recognizes <c>aclImdb/{train,test}/{pos,neg}/NAME.txt</c> (an optional leading <c>./</c> is dropped) and returns it
    /// in that normal form.
    /// </summary>
    internal static bool TryParseReviewPath(string entryName, out string path, out bool isTrain, out int label)
    {
        path = entryName.StartsWith("./", StringComparison.Ordinal) ? entryName[2..] : entryName;
        isTrain = false;
        label = 0;
        string[] parts = path.Split('/');
        if (parts.Length != 4 || parts[0] != RootFolder || !parts[3].EndsWith(".txt", StringComparison.Ordinal) || parts[3].Length == 4)
        {
            return false;
        }

        isTrain = parts[1] == "train";
        label = parts[2] == "pos" ? 1 : 0;
        return (isTrain || parts[1] == "test") && (label == 1 || parts[2] == "neg");
    }

    /// <summary>Decodes and checks reviews, then sorts each split by path so the result never depends on archive or disk order.</summary>
    private sealed class Collector(string sourceName)
    {
        private readonly List<Review> _train = [];
        private readonly List<Review> _test = [];
        private readonly int[] _perFolder = new int[4];
        private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

        public void Add(string path, byte[] bytes, bool isTrain, int label)
        {
            // A tar archive may hold one path twice (appended updates); counting both would train on it twice.
            if (!_paths.Add(path))
            {
                throw new ImdbDataException($"{sourceName}: the review '{path}' occurs twice.");
            }

            string text;
            try
            {
                text = s_strictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new ImdbDataException(
                    $"{sourceName}: the review '{path}' is not valid UTF-8 (byte 0x{e.BytesUnknown?.FirstOrDefault():X2} at offset {e.Index}).", e);
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ImdbDataException($"{sourceName}: the review '{path}' is empty.");
            }

            (isTrain ? _train : _test).Add(new Review(path, text, label));
            _perFolder[(isTrain ? 0 : 2) + label]++;
        }

        public ImdbReviews Finish(Func<string, string> missingMessage)
        {
            for (int i = 0; i < _perFolder.Length; i++)
            {
                if (_perFolder[i] == 0)
                {
                    throw new ImdbDataException(missingMessage($"{RootFolder}/{s_splits[i / 2]}/{s_labels[i % 2]}"));
                }
            }

            Comparison<Review> byPath = static (a, b) => string.CompareOrdinal(a.Path, b.Path);
            _train.Sort(byPath);
            _test.Sort(byPath);
            return new ImdbReviews(_train, _test);
        }
    }
}
