using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RnnGen.Data;
using RnnGen.IO;

namespace RnnGen.Text;

/// <summary>
/// The IMDB path's text encoding as an <see cref="ITextEncoder"/>: Keras' <c>imdb.load_data</c> ids (start id 1, OOV 2,
/// words from 4 by training frequency) limited by <c>num_words</c> and <c>skip_top</c>, then <c>pad_sequences</c> to the
/// sequence length. Saved as the ranked <see cref="Vocabulary"/> (<c>vocabulary.txt</c>, one word per line) beside
/// <c>imdb_encoding.json</c> with the options, so a model trained on <see cref="ImdbDataset"/> predicts raw text later
/// with exactly the training ids. Immutable and safe to share between threads.
/// </summary>
public sealed class ImdbEncoder : ITextEncoder
{
    /// <summary>The <see cref="ITextEncoder.Kind"/> of this encoder.</summary>
    public const string EncoderKind = "imdb_vocabulary";

    /// <summary>The vocabulary file in a saved folder.</summary>
    public const string VocabularyFileName = "vocabulary.txt";

    /// <summary>The options file in a saved folder.</summary>
    public const string ConfigFileName = "imdb_encoding.json";

    private readonly ImdbOptions _options;

    /// <summary>The encoder of a vocabulary and the options the training data was loaded with.</summary>
    public ImdbEncoder(Vocabulary vocabulary, ImdbOptions options)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Vocabulary = vocabulary;
        _options = new ImdbOptions
        {
            NumWords = options.NumWords,
            SkipTop = options.SkipTop,
            SeqLen = options.SeqLen,
            Padding = options.Padding,
            Truncating = options.Truncating,
            Labels = options.Labels,
        };
    }

    /// <summary>The encoder of a loaded dataset: its vocabulary and options.</summary>
    public ImdbEncoder(ImdbDataset dataset)
        : this((dataset ?? throw new ArgumentNullException(nameof(dataset))).Vocabulary, dataset.Options)
    {
    }

    /// <summary>The training vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The encoding options: num_words, skip_top, sequence length, padding, truncating and labels (the rest keep their defaults).</summary>
    public ImdbOptions Options => _options;

    /// <inheritdoc/>
    public string Kind => EncoderKind;

    /// <inheritdoc/>
    public int SequenceLength => _options.SeqLen;

    /// <inheritdoc/>
    /// <remarks>Ids are below num_words, or at most the vocabulary's last id where there is no limit.</remarks>
    public int VocabularySize => _options.NumWords ?? Vocabulary.Count + Vocabulary.IndexFrom + 1;

    /// <inheritdoc/>
    public void Encode(string text, Span<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (ids.Length != SequenceLength)
        {
            throw new ArgumentException($"The destination holds {ids.Length} ids, not the sequence length {SequenceLength}.", nameof(ids));
        }

        Sequences.PadSequence(Vocabulary.Encode(text, _options.NumWords, _options.SkipTop), ids, _options.Padding, _options.Truncating);
    }

    /// <inheritdoc/>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        Vocabulary.Save(Path.Combine(folder, VocabularyFileName));
        var config = new ImdbEncodingConfig(
            _options.NumWords, _options.SkipTop, _options.SeqLen, NameOf(_options.Padding == Padding.Pre), NameOf(_options.Truncating == Truncating.Pre),
            _options.Labels == ImdbLabels.Rating ? "rating" : "sentiment", Vocabulary.Count);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName), JsonSerializer.Serialize(config, ImdbEncodingJsonContext.Default.ImdbEncodingConfig));

        static string NameOf(bool pre) => pre ? "pre" : "post";
    }

    /// <summary>Loads an encoder saved by <see cref="Save"/>; a missing, damaged or inconsistent file is an <see cref="InvalidDataException"/> naming it.</summary>
    public static ImdbEncoder Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string configPath = Path.Combine(folder, ConfigFileName);
        string vocabularyPath = Path.Combine(folder, VocabularyFileName);
        ImdbEncodingConfig config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(configPath), ImdbEncodingJsonContext.Default.ImdbEncodingConfig)
                ?? throw new JsonException("it holds null");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{configPath} is not an IMDB encoding description: {e.Message}", e);
        }

        string? problem =
            config.NumWords is int limit && limit <= Vocabulary.OovId ? $"num_words is {limit}; it must exceed the OOV id {Vocabulary.OovId}"
            : config.SkipTop < 0 ? $"skip_top is {config.SkipTop}; it must not be negative"
            : config.SeqLen <= 0 ? $"seq_len is {config.SeqLen}; it must be positive"
            : config.Padding is not ("pre" or "post") ? $"padding is '{config.Padding}'; it must be 'pre' or 'post'"
            : config.Truncating is not ("pre" or "post") ? $"truncating is '{config.Truncating}'; it must be 'pre' or 'post'"
            : config.Labels is not ("sentiment" or "rating") ? $"labels is '{config.Labels}'; it must be 'sentiment' or 'rating'"
            : null;
        if (problem is not null)
        {
            throw new InvalidDataException($"{configPath}: {problem}.");
        }

        Vocabulary vocabulary;
        try
        {
            vocabulary = Vocabulary.Load(vocabularyPath);
        }
        catch (ImdbDataException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        if (vocabulary.Count != config.VocabularySize)
        {
            throw new InvalidDataException(
                $"{vocabularyPath} has {vocabulary.Count.ToString(CultureInfo.InvariantCulture)} words, but {configPath} says the vocabulary has {config.VocabularySize.ToString(CultureInfo.InvariantCulture)}.");
        }

        return new ImdbEncoder(vocabulary, new ImdbOptions
        {
            NumWords = config.NumWords,
            SkipTop = config.SkipTop,
            SeqLen = config.SeqLen,
            Padding = config.Padding == "post" ? Padding.Post : Padding.Pre,
            Truncating = config.Truncating == "post" ? Truncating.Post : Truncating.Pre,
            Labels = config.Labels == "rating" ? ImdbLabels.Rating : ImdbLabels.Sentiment,
        });
    }
}

/// <summary>The saved options of an <see cref="ImdbEncoder"/>, in Keras' argument names.</summary>
internal sealed record ImdbEncodingConfig(
    [property: JsonPropertyName("num_words"), JsonRequired] int? NumWords,
    [property: JsonPropertyName("skip_top")] int SkipTop,
    [property: JsonPropertyName("seq_len")] int SeqLen,
    [property: JsonPropertyName("padding")] string Padding,
    [property: JsonPropertyName("truncating")] string Truncating,
    [property: JsonPropertyName("labels")] string Labels,
    [property: JsonPropertyName("vocabulary_size")] int VocabularySize);

[JsonSerializable(typeof(ImdbEncodingConfig))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ImdbEncodingJsonContext : JsonSerializerContext
{
}
