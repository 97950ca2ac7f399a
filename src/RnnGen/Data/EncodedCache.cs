using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// The tokenized dataset (<see cref="TokenizedImdb"/>) as one little-endian file, so a repeated load skips reading and
/// tokenizing 50,000 reviews. It holds word ids before any <see cref="ImdbOptions"/> applies, so one file per source serves
/// every sequence length, vocabulary limit, padding, shuffle and label kind:
/// <code>
/// header   "RNNGIMDB", int32 format version, 32-byte source fingerprint,
///          int32 trainCount, testCount, trainWords, testWords, vocabularyBytes
/// body     vocabulary (UTF-8 words in rank order, '\n'-separated),
///          per split (train, then test): int32 wordCount[count], byte label[count], byte ratingClass[count],
///          int32 kerasId[words]
/// trailer  SHA-256 of everything before it
/// </code>
/// A file whose length, header, hash or contents do not check out is reported as unusable, never trusted.
/// </summary>
internal static class EncodedCache
{
    /// <summary>Bump when the tokenizer, the ranking or this layout changes, so old caches are rebuilt.</summary>
    public const int FormatVersion = 3;

    private const int CountsOffset = 8 + 4 + 32;
    private const int HeaderLength = CountsOffset + (5 * 4);
    private const int HashLength = 32;
    private static ReadOnlySpan<byte> Magic => "RNNGIMDB"u8;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The cache file name spells out the source fingerprint; no option changes it.</summary>
    public static string PathFor(string cacheFolder, byte[] fingerprint) =>
        Path.Combine(cacheFolder, $"imdb-{Convert.ToHexStringLower(fingerprint)[..16]}-words-v{FormatVersion}.bin");

    /// <summary>Caches are written only where int32 is little-endian in memory, so ids can be copied as bytes.</summary>
    public static bool IsSupported => BitConverter.IsLittleEndian;

    public static void Write(string path, byte[] fingerprint, TokenizedImdb data)
    {
        byte[] vocabulary = Encoding.UTF8.GetBytes(string.Join('\n', data.Vocabulary.Words));
        byte[] header = new byte[HeaderLength];
        WriteHeader(header, fingerprint, [data.Train.Count, data.Test.Count, data.Train.Ids.Length, data.Test.Ids.Length, vocabulary.Length]);

        IO.AtomicFile.Write(path, file =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Append(ReadOnlySpan<byte> bytes)
            {
                hash.AppendData(bytes);
                file.Write(bytes);
            }

            Append(header);
            Append(vocabulary);
            foreach (TokenizedSplit split in (TokenizedSplit[])[data.Train, data.Test])
            {
                int[] wordCounts = new int[split.Count];
                for (int i = 0; i < wordCounts.Length; i++)
                {
                    wordCounts[i] = split.Offsets[i + 1] - split.Offsets[i];
                }

                Append(MemoryMarshal.AsBytes(wordCounts.AsSpan()));
                Append(split.Labels);
                Append(split.RatingClasses);
                Append(MemoryMarshal.AsBytes(split.Ids.AsSpan()));
            }

            file.Write(hash.GetHashAndReset());
        }, temporaryPath: $"{Path.GetFullPath(path)}.{Guid.NewGuid():N}.part", bufferSize: 1 << 20);
    }

    /// <summary>The cached data, or null with <paramref name="problem"/> saying why the file is unusable (null when it is absent).</summary>
    public static TokenizedImdb? TryRead(string path, byte[] fingerprint, out string? problem)
    {
        problem = null;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            // Read straight into the arrays the data lives in, hashing as it goes: a second copy of the whole file would
            // double the fresh memory touched, which is most of a warm load.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Read(Span<byte> destination)
            {
                file.ReadExactly(destination);
                hash.AppendData(destination);
            }

            if (file.Length < HeaderLength + HashLength)
            {
                problem = "it is not an RnnGen IMDB cache (too short)";
                return null;
            }

            byte[] header = new byte[HeaderLength];
            Read(header);
            problem = CheckHeader(header, fingerprint, file.Length, out int[] counts);
            if (problem is not null)
            {
                return null;
            }

            byte[] vocabularyBytes = new byte[counts[4]];
            Read(vocabularyBytes);
            RawSplit train = RawSplit.Read(counts[0], counts[2], Read);
            RawSplit test = RawSplit.Read(counts[1], counts[3], Read);
            byte[] stored = new byte[HashLength];
            file.ReadExactly(stored);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
            {
                problem = "its SHA-256 does not match its contents";
                return null;
            }

            return Build(vocabularyBytes, train, test, out problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>A split's arrays as stored, not yet checked.</summary>
    private sealed record RawSplit(int[] WordCounts, byte[] Labels, byte[] RatingClasses, int[] Ids)
    {
        public static RawSplit Read(int count, int words, ReadBytes read)
        {
            var split = new RawSplit(new int[count], new byte[count], new byte[count], new int[words]);
            read(MemoryMarshal.AsBytes(split.WordCounts.AsSpan()));
            read(split.Labels);
            read(split.RatingClasses);
            read(MemoryMarshal.AsBytes(split.Ids.AsSpan()));
            return split;
        }
    }

    private delegate void ReadBytes(Span<byte> destination);

    private static TokenizedImdb? Build(byte[] vocabularyBytes, RawSplit train, RawSplit test, out string? problem)
    {
        string words;
        try
        {
            words = s_strictUtf8.GetString(vocabularyBytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "the vocabulary is not valid UTF-8";
            return null;
        }

        Vocabulary vocabulary;
        try
        {
            // Validated like a vocabulary file: a repeated or malformed word would otherwise surface only when a model
            // trained on it saves its vocabulary.txt and cannot load it back.
            vocabulary = new Vocabulary(words.Length == 0 ? [] : words.Split('\n'), validate: true);
        }
        catch (ArgumentException e)
        {
            problem = $"its vocabulary is not valid: {e.Message}";
            return null;
        }

        int largestId = Vocabulary.IndexFrom + vocabulary.Count;
        problem = null;
        TokenizedSplit? trainSplit = Check(train, largestId, "training", ref problem);
        TokenizedSplit? testSplit = Check(test, largestId, "test", ref problem);
        return trainSplit is null || testSplit is null ? null : new TokenizedImdb(vocabulary, trainSplit, testSplit);
    }

    /// <summary>
    /// The counts of the header (reviews and words per split, vocabulary bytes), or a problem: another magic, version or
    /// source, a negative count, or a file length other than the counts imply. Nothing is allocated before this passes.
    /// </summary>
    private static string? CheckHeader(ReadOnlySpan<byte> header, byte[] fingerprint, long fileLength, out int[] counts)
    {
        counts = new int[5];
        if (!header[..Magic.Length].SequenceEqual(Magic))
        {
            return "it is not an RnnGen IMDB cache (wrong magic)";
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            return $"it has format version {version}, not {FormatVersion}";
        }

        if (!header[12..CountsOffset].SequenceEqual(fingerprint))
        {
            return "it was made from other data";
        }

        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = BinaryPrimitives.ReadInt32LittleEndian(header[(CountsOffset + (4 * i))..]);
            if (counts[i] < 0)
            {
                return $"its header gives a negative count ({counts[i]})";
            }

            // The id and word-count arrays are int32 arrays read as bytes, so each must stay under 2 GiB.
            if (i < 4 && counts[i] > Array.MaxLength / sizeof(int))
            {
                return $"its header gives {counts[i]} entries for one array, more than a cache can hold";
            }
        }

        // Per review: a word count (4 bytes), a label and a rating class; per word: an id (4 bytes).
        long expectedLength = HeaderLength + HashLength + (((long)counts[0] + counts[1]) * 6) + (((long)counts[2] + counts[3]) * 4) + counts[4];
        return fileLength == expectedLength ? null : $"it is {fileLength} bytes long; its header implies {expectedLength}";
    }

    /// <summary>One split, checked: word counts that add up, labels 0 or 1, rating classes that agree, ids the vocabulary has.</summary>
    private static TokenizedSplit? Check(RawSplit split, int largestId, string name, ref string? problem)
    {
        if (problem is not null)
        {
            return null;
        }

        (int[] wordCounts, byte[] labels, byte[] ratingClasses, int[] ids) = (split.WordCounts, split.Labels, split.RatingClasses, split.Ids);
        int count = labels.Length;
        int wordCount = ids.Length;
        int[] offsets = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            long end = (long)offsets[i] + wordCounts[i];
            if (wordCounts[i] < 0 || end > wordCount)
            {
                problem = $"the {name} review {i} has {wordCounts[i]} words, more than the split has left";
                return null;
            }

            offsets[i + 1] = (int)end;
            bool ratingAgrees = ratingClasses[i] == TokenizedSplit.NoRating
                || (ratingClasses[i] < ImdbReader.RatingStars.Count && (ratingClasses[i] >= 4 ? 1 : 0) == labels[i]);
            if (labels[i] > 1 || !ratingAgrees)
            {
                problem = $"the {name} review {i} has label {labels[i]} and rating class {ratingClasses[i]}";
                return null;
            }
        }

        if (offsets[^1] != wordCount)
        {
            problem = $"the {name} reviews' word counts add up to {offsets[^1]}, not {wordCount}";
            return null;
        }

        if (FirstBadId(ids, largestId) is int at)
        {
            problem = $"the {name} split has word id {ids[at]} at position {at}, outside the vocabulary";
            return null;
        }

        return new TokenizedSplit(ids, offsets, labels, ratingClasses);
    }

    /// <summary>The first id that is neither a ranked word (<c>IndexFrom + 1 ..= largestId</c>) nor the OOV id.</summary>
    private static int? FirstBadId(int[] ids, int largestId)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] != Vocabulary.OovId && (ids[i] <= Vocabulary.IndexFrom || ids[i] > largestId))
            {
                return i;
            }
        }

        return null;
    }

    private static void WriteHeader(Span<byte> header, byte[] fingerprint, ReadOnlySpan<int> counts)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        fingerprint.CopyTo(header[12..]);
        for (int i = 0; i < counts.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[(CountsOffset + (4 * i))..], counts[i]);
        }
    }
}
