using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// The encoded dataset as one little-endian file, so a repeated load skips reading and tokenizing 50,000 reviews:
/// <code>
/// header   "RNNGIMDB", int32 format version, 32-byte source fingerprint,
///          int32 numWords (-1 none), skipTop, seqLen, padding, truncating, hasSeed, seed, trainCount, testCount, vocabularyBytes
/// body     vocabulary (UTF-8 words in rank order, '\n'-separated),
///          train ids int32[trainCount·seqLen], train labels byte[trainCount], test ids, test labels
/// trailer  SHA-256 of everything before it
/// </code>
/// A file whose length, header or hash does not check out is reported as unusable, never trusted.
/// </summary>
internal static class EncodedCache
{
    /// <summary>Bump when the tokenizer, the ranking or this layout changes, so old caches are rebuilt.</summary>
    public const int FormatVersion = 2;

    private const int HeaderLength = 8 + 4 + 32 + (11 * 4);
    private const int HashLength = 32;
    private static ReadOnlySpan<byte> Magic => "RNNGIMDB"u8;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The cache file name spells out the fingerprint and every option that changes the encoded ids.</summary>
    public static string PathFor(string cacheFolder, byte[] fingerprint, ImdbOptions options)
    {
        string numWords = options.NumWords is int limit ? limit.ToString(CultureInfo.InvariantCulture) : "all";
        string padding = options.Padding == Padding.Pre ? "pre" : "post";
        string truncating = options.Truncating == Truncating.Pre ? "pre" : "post";
        string seed = options.ShuffleSeed is int value ? value.ToString(CultureInfo.InvariantCulture) : "none";
        string name = string.Create(
            CultureInfo.InvariantCulture,
            $"imdb-{Convert.ToHexStringLower(fingerprint)[..16]}-w{numWords}-k{options.SkipTop}-l{options.SeqLen}-{padding}-{truncating}-s{seed}{(options.Labels == ImdbLabels.Rating ? "-rating" : string.Empty)}.bin");
        return Path.Combine(cacheFolder, name);
    }

    /// <summary>Caches are written only where int32 is little-endian in memory, so ids can be copied as bytes.</summary>
    public static bool IsSupported => BitConverter.IsLittleEndian;

    public static void Write(string path, byte[] fingerprint, ImdbOptions options, ImdbDataset data)
    {
        byte[] vocabulary = Encoding.UTF8.GetBytes(string.Join('\n', data.Vocabulary.Words));
        byte[] header = new byte[HeaderLength];
        WriteHeader(header, fingerprint, options, data.Train.Count, data.Test.Count, vocabulary.Length);

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
            foreach (SequenceDataset split in (SequenceDataset[])[data.Train, data.Test])
            {
                Append(MemoryMarshal.AsBytes(split.Tokens.AsSpan()));
                Append(split.Labels.Select(label => (byte)label).ToArray());
            }

            file.Write(hash.GetHashAndReset());
        }, temporaryPath: $"{Path.GetFullPath(path)}.{Guid.NewGuid():N}.part", bufferSize: 1 << 20);
    }

    /// <summary>The cached data, or null with <paramref name="problem"/> saying why the file is unusable (null when it is absent).</summary>
    public static (Vocabulary Vocabulary, SequenceDataset Train, SequenceDataset Test)? TryRead(
        string path, byte[] fingerprint, ImdbOptions options, out string? problem)
    {
        problem = null;
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }

        problem = Check(bytes, fingerprint, options, out int trainCount, out int testCount, out int vocabularyLength);
        if (problem is not null)
        {
            return null;
        }

        ReadOnlySpan<byte> body = bytes.AsSpan(HeaderLength);
        string words;
        try
        {
            words = s_strictUtf8.GetString(body[..vocabularyLength]);
        }
        catch (DecoderFallbackException)
        {
            problem = "the vocabulary is not valid UTF-8";
            return null;
        }

        body = body[vocabularyLength..];
        SequenceDataset train = ReadSplit(ref body, trainCount, options.SeqLen);
        SequenceDataset test = ReadSplit(ref body, testCount, options.SeqLen);
        var vocabulary = new Vocabulary(words.Length == 0 ? [] : words.Split('\n'), validate: false);
        return (vocabulary, train, test);
    }

    private static string? Check(
        byte[] bytes, byte[] fingerprint, ImdbOptions options, out int trainCount, out int testCount, out int vocabularyLength)
    {
        trainCount = testCount = vocabularyLength = 0;
        if (bytes.Length < HeaderLength + HashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return "it is not an RnnGen IMDB cache (too short or wrong magic)";
        }

        byte[] expected = new byte[HeaderLength];
        ReadOnlySpan<byte> header = bytes.AsSpan(0, HeaderLength);
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            return $"it has format version {version}, not {FormatVersion}";
        }

        trainCount = BinaryPrimitives.ReadInt32LittleEndian(header[^12..]);
        testCount = BinaryPrimitives.ReadInt32LittleEndian(header[^8..]);
        vocabularyLength = BinaryPrimitives.ReadInt32LittleEndian(header[^4..]);
        WriteHeader(expected, fingerprint, options, trainCount, testCount, vocabularyLength);
        if (!header.SequenceEqual(expected))
        {
            return "it was made from other data or with other options";
        }

        long expectedLength = HeaderLength + (long)vocabularyLength + (((long)trainCount + testCount) * ((options.SeqLen * 4L) + 1)) + HashLength;
        if (trainCount < 0 || testCount < 0 || vocabularyLength < 0 || bytes.Length != expectedLength)
        {
            return $"it is {bytes.Length} bytes long; its header implies {expectedLength}";
        }

        if (!SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
        {
            return "its SHA-256 does not match its contents";
        }

        return null;
    }

    private static SequenceDataset ReadSplit(ref ReadOnlySpan<byte> body, int count, int seqLen)
    {
        int idBytes = count * seqLen * sizeof(int);
        int[] tokens = MemoryMarshal.Cast<byte, int>(body[..idBytes]).ToArray();
        float[] labels = new float[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = body[idBytes + i];
        }

        body = body[(idBytes + count)..];
        return new SequenceDataset(tokens, labels, seqLen);
    }

    private static void WriteHeader(Span<byte> header, byte[] fingerprint, ImdbOptions options, int trainCount, int testCount, int vocabularyLength)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        fingerprint.CopyTo(header[12..]);
        ReadOnlySpan<int> fields =
        [
            options.NumWords ?? -1, options.SkipTop, options.SeqLen, (int)options.Padding, (int)options.Truncating,
            options.ShuffleSeed is null ? 0 : 1, options.ShuffleSeed ?? 0, (int)options.Labels, trainCount, testCount, vocabularyLength,
        ];
        for (int i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[(44 + (4 * i))..], fields[i]);
        }
    }
}
