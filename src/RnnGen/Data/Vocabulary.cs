using System.Collections.ObjectModel;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// Words ranked by their frequency in the training reviews, with Keras' IMDB id convention (docs/keras-conventions.md, IMDB data):
/// 0 pads, 1 starts a sequence, 2 is out-of-vocabulary, 3 is unused, and the word of rank r (1 = most frequent) has id 3 + r,
/// so the most frequent word is 4. Equal counts are ranked in ordinal string order.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The padding id.</summary>
    public const int PadId = 0;

    /// <summary>The id that starts every encoded sequence (Keras' <c>start_char</c>).</summary>
    public const int StartId = 1;

    /// <summary>The id of words outside the vocabulary or its <c>numWords</c> limit (Keras' <c>oov_char</c>).</summary>
    public const int OovId = 2;

    /// <summary>Added to a word's rank to give its id (Keras' <c>index_from</c>).</summary>
    public const int IndexFrom = 3;

    private readonly string[] _words;
    private readonly Dictionary<string, int> _ranks;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _ranksBySpan;

    /// <summary>Creates a vocabulary from words in rank order (most frequent first); each must be one token of <see cref="ImdbTokenizer"/>.</summary>
    public Vocabulary(IEnumerable<string> wordsByRank)
        : this([.. wordsByRank ?? throw new ArgumentNullException(nameof(wordsByRank))], validate: true)
    {
    }

    internal Vocabulary(string[] wordsByRank, bool validate)
    {
        _words = wordsByRank;
        _ranks = new Dictionary<string, int>(wordsByRank.Length, StringComparer.Ordinal);
        for (int i = 0; i < wordsByRank.Length; i++)
        {
            string word = wordsByRank[i];
            if (validate && InvalidWordReason(word) is string reason)
            {
                throw new ArgumentException($"Word {i + 1} \"{word}\" {reason}.", nameof(wordsByRank));
            }

            if (!_ranks.TryAdd(word, i + 1))
            {
                throw new ArgumentException($"Word {i + 1} \"{word}\" repeats word {_ranks[word]}.", nameof(wordsByRank));
            }
        }

        _ranksBySpan = _ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        Words = Array.AsReadOnly(_words);
    }

    /// <summary>The number of ranked words.</summary>
    public int Count => _words.Length;

    /// <summary>The words in rank order: <c>Words[0]</c> has rank 1 and id 4.</summary>
    public ReadOnlyCollection<string> Words { get; }

    /// <summary>
    /// Keras' limit, applied to every id including <see cref="StartId"/>: an id stays only if
    /// <c>skipTop ≤ id &lt; numWords</c>, else it becomes <see cref="OovId"/>. A null <paramref name="numWords"/> means no upper limit.
    /// </summary>
    public static int LimitId(int id, int? numWords, int skipTop) =>
        id >= skipTop && (numWords is null || id < numWords) ? id : OovId;

    /// <summary>The id of a normalized word, with no <c>numWords</c> limit: its rank + 3, or <see cref="OovId"/>.</summary>
    public int GetId(ReadOnlySpan<char> word) => _ranksBySpan.TryGetValue(word, out int rank) ? rank + IndexFrom : OovId;

    /// <summary>The word with id <paramref name="id"/>, or null for the special ids and ids past the vocabulary.</summary>
    public string? GetWord(int id)
    {
        int index = id - IndexFrom - 1;
        return (uint)index < (uint)_words.Length ? _words[index] : null;
    }

    /// <summary>
    /// Encodes raw text as Keras' <c>load_data</c> encodes a review: <see cref="StartId"/>, then one id per word of
    /// <see cref="ImdbTokenizer"/>, each passed through <see cref="LimitId"/>.
    /// </summary>
    public int[] Encode(string text, int? numWords = null, int skipTop = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckLimits(numWords, skipTop);
        var ids = new List<int> { LimitId(StartId, numWords, skipTop) };
        foreach (ReadOnlySpan<char> word in ImdbTokenizer.EnumerateWords(ImdbTokenizer.Normalize(text)))
        {
            ids.Add(LimitId(GetId(word), numWords, skipTop));
        }

        return [.. ids];
    }

    /// <summary>Encodes raw text with <see cref="Encode"/> and pads or truncates it to <paramref name="seqLen"/> ids, ready for a model.</summary>
    public int[] EncodePadded(
        string text, int seqLen, int? numWords = null, int skipTop = 0, Padding padding = Padding.Pre, Truncating truncating = Truncating.Pre)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqLen);
        int[] padded = new int[seqLen];
        Sequences.PadSequence(Encode(text, numWords, skipTop), padded, padding, truncating);
        return padded;
    }

    /// <summary>Ranks the words of <paramref name="trainingTexts"/> by frequency, ties in ordinal order.</summary>
    public static Vocabulary Build(IEnumerable<string> trainingTexts)
    {
        ArgumentNullException.ThrowIfNull(trainingTexts);
        var table = new WordTable();
        foreach (string text in trainingTexts)
        {
            table.Count(text);
        }

        return table.Rank().Vocabulary;
    }

    /// <summary>Saves the words as UTF-8 text, one per line in rank order (line r holds the word with id 3 + r).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        IO.AtomicFile.WriteAllLines(path, _words);
    }

    /// <summary>Loads a vocabulary written by <see cref="Save"/>; a malformed line is reported with its number.</summary>
    public static Vocabulary Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new ImdbDataException($"Cannot read the vocabulary file '{path}': {e.Message}", e);
        }

        var seen = new HashSet<string>(lines.Length, StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            string? reason = InvalidWordReason(lines[i]) ?? (seen.Add(lines[i]) ? null : "repeats an earlier word");
            if (reason is not null)
            {
                throw new ImdbDataException($"{path}, line {i + 1}: \"{lines[i]}\" {reason}; a vocabulary file holds one word per line.");
            }
        }

        return new Vocabulary(lines, validate: false);
    }

    internal static void CheckLimits(int? numWords, int skipTop)
    {
        if (numWords is int limit && limit <= OovId)
        {
            throw new ArgumentOutOfRangeException(nameof(numWords), limit, $"numWords must exceed the OOV id {OovId}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(skipTop);
    }

    private static string? InvalidWordReason(string word)
    {
        if (word.Length == 0)
        {
            return "is empty";
        }

        ImdbTokenizer.WordEnumerator words = ImdbTokenizer.EnumerateWords(ImdbTokenizer.Normalize(word));
        bool single = words.MoveNext() && words.Current.SequenceEqual(word) && !words.MoveNext();
        return single ? null : "is not a single normalized word";
    }
}
