using System.Buffers;
using System.Globalization;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// Splits a review into words. Keras' <c>imdb.npz</c> was built from lowercased words with punctuation split off; its exact
/// script is not published, so this is the rule RnnGen applies, to training data and to raw text alike:
/// <list type="number">
/// <item>The text is lowercased with the invariant culture, and the typographic apostrophe U+2019 becomes <c>'</c>.</item>
/// <item>The HTML line breaks <c>&lt;br /&gt;</c>, <c>&lt;br/&gt;</c> and <c>&lt;br&gt;</c> (any spaces before the slash)
/// count as a space.</item>
/// <item>A word is a maximal run of letters, decimal digits, combining marks and apostrophes. Every other character
/// (whitespace, punctuation, symbols) separates words and is dropped: punctuation never becomes a token.</item>
/// <item>Apostrophes at either end of a run are trimmed (<c>'quoted'</c> gives <c>quoted</c>, <c>don't</c> stays), and a run
/// left empty is dropped.</item>
/// </list>
/// So <c>"Great film!&lt;br /&gt;&lt;br /&gt;It's 10/10, isn't it?"</c> gives
/// <c>great film it's 10 10 isn't it</c>.
/// </summary>
public static class ImdbTokenizer
{
    private const string AsciiWordChars = "'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly SearchValues<char> s_asciiWordChars = SearchValues.Create(AsciiWordChars);

    // Every ASCII character that ends a word, except '<', which may open a line-break tag.
    private static readonly SearchValues<char> s_asciiSeparators = SearchValues.Create(
        [.. Enumerable.Range(0, 128).Select(c => (char)c).Where(c => c != '<' && !AsciiWordChars.Contains(c))]);

    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        foreach (ReadOnlySpan<char> word in EnumerateWords(Normalize(text)))
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }

    /// <summary>Step 1 of the rule: lowercases and unifies apostrophes. The words are then found by <see cref="EnumerateWords"/>.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.ToLowerInvariant().Replace('\u2019', '\'');
    }

    /// <summary>Steps 2 to 4 of the rule over text already passed through <see cref="Normalize"/>, without allocating.</summary>
    public static WordEnumerator EnumerateWords(ReadOnlySpan<char> normalizedText) => new(normalizedText);

    /// <summary>Enumerates the words of normalized text as slices of it.</summary>
    public ref struct WordEnumerator
    {
        private readonly ReadOnlySpan<char> _text;
        private int _position;

        internal WordEnumerator(ReadOnlySpan<char> text)
        {
            _text = text;
            _position = 0;
            Current = default;
        }

        /// <summary>The current word.</summary>
        public ReadOnlySpan<char> Current { get; private set; }

        /// <summary>Returns this enumerator, so it can be used in <c>foreach</c>.</summary>
        public readonly WordEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next word.</summary>
        public bool MoveNext()
        {
            ReadOnlySpan<char> text = _text;
            int i = _position;
            while (i < text.Length)
            {
                // Vectorized skips over ASCII, the bulk of any review; other characters take the per-character path.
                int separators = text[i..].IndexOfAnyExcept(s_asciiSeparators);
                if (separators < 0)
                {
                    break;
                }

                i += separators;
                int width = WordCharWidth(text, i);
                if (width == 0)
                {
                    i += text[i] == '<' ? LineBreakTagLength(text[i..]) : 1;
                    continue;
                }

                int start = i;
                do
                {
                    i += width;
                    int run = text[i..].IndexOfAnyExcept(s_asciiWordChars);
                    i = run < 0 ? text.Length : i + run;
                    width = i < text.Length ? WordCharWidth(text, i) : 0;
                }
                while (width != 0);

                ReadOnlySpan<char> word = text[start..i].Trim('\'');
                if (!word.IsEmpty)
                {
                    _position = i;
                    Current = word;
                    return true;
                }
            }

            _position = text.Length;
            return false;
        }

        /// <summary>The length of the <c>&lt;br /&gt;</c> tag at the start of <paramref name="text"/>, or 1 to skip just the '&lt;'.</summary>
        private static int LineBreakTagLength(ReadOnlySpan<char> text)
        {
            if (!text.StartsWith("<br", StringComparison.Ordinal))
            {
                return 1;
            }

            int i = 3;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (i < text.Length && text[i] == '/')
            {
                i++;
            }

            return i < text.Length && text[i] == '>' ? i + 1 : 1;
        }

        /// <summary>0 if the character at <paramref name="i"/> separates words, else its width in UTF-16 units.</summary>
        private static int WordCharWidth(ReadOnlySpan<char> text, int i)
        {
            char c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c == '\'')
            {
                return 1;
            }

            if (char.IsAscii(c))
            {
                return 0;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                return IsWordCategory(Rune.GetUnicodeCategory(new Rune(c, text[i + 1]))) ? 2 : 0;
            }

            return IsWordCategory(char.GetUnicodeCategory(c)) ? 1 : 0;
        }

        private static bool IsWordCategory(UnicodeCategory category) => category
            is UnicodeCategory.UppercaseLetter
            or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter
            or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.DecimalDigitNumber;
    }
}
