using System.Runtime.InteropServices;

namespace RnnGen.Data;

/// <summary>
/// Gives every distinct word a provisional id in first-seen order and counts its training occurrences, so each review is
/// tokenized once; <see cref="Rank"/> then maps provisional ids to Keras ids.
/// </summary>
internal sealed class WordTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;
    private readonly List<string> _words = [];
    private readonly List<int> _trainingCounts = [];
    private readonly List<int> _buffer = [];

    public WordTable() => _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Counts the words of a training text.</summary>
    public void Count(string text)
    {
        foreach (ReadOnlySpan<char> word in ImdbTokenizer.EnumerateWords(ImdbTokenizer.Normalize(text)))
        {
            _trainingCounts[IdOf(word)]++;
        }
    }

    /// <summary>The provisional ids of the words of <paramref name="text"/>, counting them if it is training text.</summary>
    public int[] Add(string text, bool isTraining)
    {
        _buffer.Clear();
        foreach (ReadOnlySpan<char> word in ImdbTokenizer.EnumerateWords(ImdbTokenizer.Normalize(text)))
        {
            int id = IdOf(word);
            if (isTraining)
            {
                _trainingCounts[id]++;
            }

            _buffer.Add(id);
        }

        return [.. _buffer];
    }

    /// <summary>
    /// Adds the words and training counts of <paramref name="other"/> and returns, for each of its provisional ids, the id
    /// the same word has here.
    /// </summary>
    public int[] Merge(WordTable other)
    {
        int[] map = new int[other._words.Count];
        for (int id = 0; id < map.Length; id++)
        {
            map[id] = IdOf(other._words[id]);
            _trainingCounts[map[id]] += other._trainingCounts[id];
        }

        return map;
    }

    /// <summary>
    /// The vocabulary of the words seen in training text, by count descending then ordinal order, and the Keras id of every
    /// provisional id (<see cref="Vocabulary.OovId"/> for words seen only outside training text).
    /// </summary>
    public (Vocabulary Vocabulary, int[] KerasIds) Rank()
    {
        List<int> counts = _trainingCounts;
        int[] ranked = Enumerable.Range(0, _words.Count).Where(id => counts[id] > 0).ToArray();
        Array.Sort(ranked, (a, b) =>
        {
            int byCount = counts[b].CompareTo(counts[a]);
            return byCount != 0 ? byCount : string.CompareOrdinal(_words[a], _words[b]);
        });

        int[] kerasIds = new int[_words.Count];
        Array.Fill(kerasIds, Vocabulary.OovId);
        string[] wordsByRank = new string[ranked.Length];
        for (int i = 0; i < ranked.Length; i++)
        {
            wordsByRank[i] = _words[ranked[i]];
            kerasIds[ranked[i]] = i + 1 + Vocabulary.IndexFrom;
        }

        return (new Vocabulary(wordsByRank, validate: false), kerasIds);
    }

    private int IdOf(ReadOnlySpan<char> word)
    {
        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_idsBySpan, word, out bool exists);
        if (!exists)
        {
            id = _words.Count;
            _words.Add(word.ToString());
            _trainingCounts.Add(0);
        }

        return id;
    }
}
