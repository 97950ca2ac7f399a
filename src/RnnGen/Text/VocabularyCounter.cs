using System.Text;

namespace RnnGen.Text;

/// <summary>
/// The counting pass of <see cref="TextVectorizer.Adapt"/>, one text at a time, so that a source too large to hold can
/// be adapted while it streams: total occurrences of every standardized token (no per-token allocation once a token is
/// known), then Keras' order, count descending and ties by token descending as UTF-8 bytes.
/// </summary>
internal sealed class VocabularyCounter
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private char[] _buffer = [];

    /// <summary>Counts the tokens of one text.</summary>
    public void Add(string text)
    {
        Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
        int length = TextVectorizer.Standardize(text, ref _buffer);
        ReadOnlySpan<char> standardized = _buffer.AsSpan(0, length);
        foreach (Range token in TextVectorizer.Tokens(standardized))
        {
            ReadOnlySpan<char> span = standardized[token];
            lookup[span] = lookup.TryGetValue(span, out long count) ? count + 1 : 1;
        }
    }

    /// <summary>The vectorizer of the <paramref name="maxTokens"/> − 2 most frequent tokens counted so far.</summary>
    public TextVectorizer Build(int maxTokens, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        _counts.Remove(TextVectorizer.UnknownToken); // the special tokens never count (an empty token cannot occur)
        var ordered = _counts.Select(static pair => (Token: pair.Key, Bytes: Encoding.UTF8.GetBytes(pair.Key), Count: pair.Value)).ToList();
        ordered.Sort(static (a, b) =>
        {
            int byCount = b.Count.CompareTo(a.Count);
            return byCount != 0 ? byCount : b.Bytes.AsSpan().SequenceCompareTo(a.Bytes);
        });
        int learned = Math.Min(ordered.Count, maxTokens - 2);
        return TextVectorizer.FromLearned(ordered.Take(learned).Select(static t => t.Token).ToArray(), maxTokens, sequenceLength);
    }
}
