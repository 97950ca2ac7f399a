using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnGen.IO;

namespace RnnGen.Text;

/// <summary>
/// Text to token ids with Keras' <c>TextVectorization</c> semantics (docs/keras-conventions.md, Text to ids): standardize
/// <c>lower_and_strip_punctuation</c> (ASCII A–Z lowered, the 32 ASCII punctuation characters deleted), split on runs of
/// ASCII whitespace, id 0 = padding, id 1 = <c>[UNK]</c>, learned tokens from id 2 in order of count (descending, ties by
/// token descending as UTF-8 bytes), at most <see cref="MaxTokens"/> ids in all, and every text padded or cut at the end
/// to <see cref="SequenceLength"/> ids (post padding, first tokens kept).
/// </summary>
/// <remarks>
/// A vectorizer is immutable and safe to share between threads. <see cref="Save"/> writes the vocabulary as Keras'
/// <c>vocabulary.txt</c> asset (one token per line, the first line empty) beside a small JSON description, so that
/// texts predicted later get exactly the ids of training.
/// </remarks>
public sealed class TextVectorizer : ITextEncoder
{
    /// <summary>The <see cref="ITextEncoder.Kind"/> of a vectorizer: Keras' layer name.</summary>
    public const string EncoderKind = "text_vectorization";

    /// <summary>The vocabulary file in a saved folder (Keras' asset name).</summary>
    public const string VocabularyFileName = "vocabulary.txt";

    /// <summary>The description file in a saved folder.</summary>
    public const string ConfigFileName = "text_vectorization.json";

    /// <summary>The id of padding and of the empty mask token.</summary>
    public const int PaddingId = 0;

    /// <summary>The id of every token outside the vocabulary.</summary>
    public const int UnknownId = 1;

    /// <summary>Keras' out-of-vocabulary token.</summary>
    public const string UnknownToken = "[UNK]";

    private readonly string[] _vocabulary;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private TextVectorizer(string[] vocabulary, int maxTokens, int sequenceLength)
    {
        _vocabulary = vocabulary;
        MaxTokens = maxTokens;
        SequenceLength = sequenceLength;
        _ids = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (int id = 2; id < vocabulary.Length; id++)
        {
            _ids.Add(vocabulary[id], id);
        }

        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The most ids, both special ones included (Keras <c>max_tokens</c>): the model's <c>Vocab</c>.</summary>
    public int MaxTokens { get; }

    /// <summary>The ids of every encoded text (Keras <c>output_sequence_length</c>): the model's <c>SeqLen</c>.</summary>
    public int SequenceLength { get; }

    /// <inheritdoc/>
    public string Kind => EncoderKind;

    /// <inheritdoc/>
    public int VocabularySize => _vocabulary.Length;

    /// <summary>Keras' <c>get_vocabulary()</c>: <c>["", "[UNK]", most frequent, …]</c>; the index is the id.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>
    /// Learns the vocabulary from <paramref name="texts"/> (the training split only, as Keras' <c>adapt</c>): the
    /// <paramref name="maxTokens"/> − 2 most frequent tokens.
    /// </summary>
    public static TextVectorizer Adapt(IEnumerable<string> texts, int maxTokens, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var counter = new VocabularyCounter();
        foreach (string text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            counter.Add(text);
        }

        return counter.Build(maxTokens, sequenceLength);
    }

    /// <summary>The vectorizer of a vocabulary in Keras' order: the learned tokens from id 2, after padding and [UNK].</summary>
    internal static TextVectorizer FromLearned(IReadOnlyList<string> learned, int maxTokens, int sequenceLength)
    {
        string[] vocabulary = new string[learned.Count + 2];
        vocabulary[PaddingId] = string.Empty;
        vocabulary[UnknownId] = UnknownToken;
        for (int i = 0; i < learned.Count; i++)
        {
            vocabulary[i + 2] = learned[i];
        }

        return new TextVectorizer(vocabulary, maxTokens, sequenceLength);
    }

    /// <summary>A vectorizer over a given vocabulary, with or without the leading <c>["", "[UNK]"]</c> (Keras <c>vocabulary=</c>).</summary>
    public static TextVectorizer FromVocabulary(IReadOnlyList<string> vocabulary, int maxTokens, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        bool hasSpecial = vocabulary.Count >= 2 && vocabulary[0].Length == 0 && vocabulary[1] == UnknownToken;
        string[] full = hasSpecial ? [.. vocabulary] : [string.Empty, UnknownToken, .. vocabulary];
        if (full.Length > maxTokens)
        {
            throw new ArgumentException($"The vocabulary has {full.Length} ids with the two special ones, more than max_tokens = {maxTokens}.", nameof(vocabulary));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int id = 2; id < full.Length; id++)
        {
            if (full[id].Length == 0 || full[id] == UnknownToken || !seen.Add(full[id]))
            {
                throw new ArgumentException($"Vocabulary entry {id} ('{full[id]}') is empty, '[UNK]' or repeated.", nameof(vocabulary));
            }
        }

        return new TextVectorizer(full, maxTokens, sequenceLength);
    }

    /// <summary>The id of one standardized token: its vocabulary index, or <see cref="UnknownId"/>.</summary>
    public int IdOf(ReadOnlySpan<char> token) => _lookup.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>Writes the <see cref="SequenceLength"/> ids of <paramref name="text"/> into <paramref name="ids"/>.</summary>
    public void Encode(string text, Span<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (ids.Length != SequenceLength)
        {
            throw new ArgumentException($"The id span has room for {ids.Length} ids; a text has {SequenceLength}.", nameof(ids));
        }

        char[] buffer = System.Buffers.ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            int length = Standardize(text, ref buffer);
            ReadOnlySpan<char> standardized = buffer.AsSpan(0, length);
            int count = 0;
            foreach (Range token in Tokens(standardized))
            {
                if (count == ids.Length)
                {
                    break; // keep the first SequenceLength tokens
                }

                ids[count++] = IdOf(standardized[token]);
            }

            ids[count..].Clear(); // post padding
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>The ids of one text.</summary>
    public int[] Encode(string text)
    {
        int[] ids = new int[SequenceLength];
        Encode(text, ids);
        return ids;
    }

    /// <summary>The ids of many texts, row-major <c>[texts.Count, SequenceLength]</c>, as a model takes them.</summary>
    public int[] EncodeAll(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int[] ids = new int[checked(texts.Count * SequenceLength)];
        for (int i = 0; i < texts.Count; i++)
        {
            Encode(texts[i], ids.AsSpan(i * SequenceLength, SequenceLength));
        }

        return ids;
    }

    /// <summary>Keras' <c>lower_and_strip_punctuation</c> of one text, as a string.</summary>
    public static string Standardize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[] buffer = [];
        int length = Standardize(text, ref buffer);
        return new string(buffer, 0, length);
    }

    /// <summary>The tokens of one text, as the vectorizer sees them (standardized, split).</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        string standardized = Standardize(text);
        var tokens = new List<string>();
        foreach (Range token in Tokens(standardized))
        {
            tokens.Add(standardized[token]);
        }

        return tokens;
    }

    /// <summary>Saves <c>vocabulary.txt</c> (Keras' asset: one token per line, the first empty) and the description into a folder.</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, VocabularyFileName), string.Join("\n", _vocabulary));
        var config = new TextVectorizerConfig(MaxTokens, SequenceLength, "lower_and_strip_punctuation", "whitespace", "int", _vocabulary.Length);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName), JsonSerializer.Serialize(config, TextJsonContext.Default.TextVectorizerConfig));
    }

    /// <summary>Loads a vectorizer saved by <see cref="Save"/>; a damaged or inconsistent folder is an error naming the file and what is wrong.</summary>
    public static TextVectorizer Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string configPath = Path.Combine(folder, ConfigFileName);
        string vocabularyPath = Path.Combine(folder, VocabularyFileName);
        TextVectorizerConfig config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(configPath), TextJsonContext.Default.TextVectorizerConfig)
                ?? throw new InvalidDataException($"{configPath} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath} is not a text vectorization description: {e.Message}", e);
        }

        if (config.Standardize != "lower_and_strip_punctuation" || config.Split != "whitespace" || config.OutputMode != "int")
        {
            throw new InvalidDataException(
                $"{configPath} asks for standardize={config.Standardize}, split={config.Split}, output_mode={config.OutputMode}; "
                + "only lower_and_strip_punctuation, whitespace and int are supported.");
        }

        if (config.MaxTokens < 2 || config.OutputSequenceLength <= 0)
        {
            throw new InvalidDataException($"{configPath} has max_tokens {config.MaxTokens} and output_sequence_length {config.OutputSequenceLength}; both must be positive (max_tokens at least 2).");
        }

        // One token per line; a file whose line ends became CRLF (git on Windows) reads the same.
        string[] vocabulary = File.ReadAllText(vocabularyPath).Split('\n').Select(static line => line.TrimEnd('\r')).ToArray();
        if (vocabulary.Length != config.VocabularySize)
        {
            throw new InvalidDataException($"{vocabularyPath} has {vocabulary.Length} lines, but {configPath} says the vocabulary has {config.VocabularySize.ToString(CultureInfo.InvariantCulture)} ids.");
        }

        try
        {
            return FromVocabulary(vocabulary, config.MaxTokens, config.OutputSequenceLength);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{vocabularyPath}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Lowers ASCII A–Z and deletes the 32 ASCII punctuation characters (Python's <c>string.punctuation</c>, Keras'
    /// <c>DEFAULT_STRIP_REGEX</c>); every other character is kept. Returns the length written into <paramref name="buffer"/>.
    /// </summary>
    internal static int Standardize(string text, ref char[] buffer)
    {
        if (buffer.Length < text.Length)
        {
            buffer = new char[text.Length];
        }

        int length = 0;
        foreach (char c in text)
        {
            if (c is >= 'A' and <= 'Z')
            {
                buffer[length++] = (char)(c + ('a' - 'A'));
            }
            else if (!IsAsciiPunctuation(c))
            {
                buffer[length++] = c;
            }
        }

        return length;
    }

    private static bool IsAsciiPunctuation(char c) => c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    /// <summary>Runs of ASCII whitespace (space, \t, \n, \v, \f, \r) separate tokens; no empty tokens.</summary>
    internal static TokenRanges Tokens(ReadOnlySpan<char> text) => new(text);

    /// <summary>The ranges of the tokens of a text, enumerated without allocating.</summary>
    internal ref struct TokenRanges(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _next;

        public Range Current { get; private set; }

        public readonly TokenRanges GetEnumerator() => this;

        public bool MoveNext()
        {
            int i = _next;
            while (i < _text.Length && IsSpace(_text[i]))
            {
                i++;
            }

            if (i == _text.Length)
            {
                _next = i;
                return false;
            }

            int start = i;
            while (i < _text.Length && !IsSpace(_text[i]))
            {
                i++;
            }

            Current = start..i;
            _next = i;
            return true;
        }

        private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    }
}

/// <summary>The saved description of a <see cref="TextVectorizer"/>, in Keras' config names.</summary>
internal sealed record TextVectorizerConfig(
    [property: System.Text.Json.Serialization.JsonPropertyName("max_tokens")] int MaxTokens,
    [property: System.Text.Json.Serialization.JsonPropertyName("output_sequence_length")] int OutputSequenceLength,
    [property: System.Text.Json.Serialization.JsonPropertyName("standardize")] string Standardize,
    [property: System.Text.Json.Serialization.JsonPropertyName("split")] string Split,
    [property: System.Text.Json.Serialization.JsonPropertyName("output_mode")] string OutputMode,
    [property: System.Text.Json.Serialization.JsonPropertyName("vocabulary_size")] int VocabularySize);

[System.Text.Json.Serialization.JsonSerializable(typeof(TextVectorizerConfig))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class TextJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
