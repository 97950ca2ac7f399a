using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class TokenizerTests
{
    [Theory]
    [InlineData("Great film!<br /><br />It's 10/10, isn't it?", "great film it's 10 10 isn't it")]
    [InlineData("THE End", "the end")]
    [InlineData("one<br/>two<br>three<BR />four<br  />five", "one two three four five")]
    [InlineData("brilliant <brave> br", "brilliant brave br")]
    [InlineData("well-made... (really)", "well made really")]
    [InlineData("'quoted' students' ''", "quoted students")]
    [InlineData("don\u2019t", "don't")]
    [InlineData("Café naïve Ümlaut", "café naïve ümlaut")]
    [InlineData("1950's $5 50% #1", "1950's 5 50 1")]
    [InlineData("  \t\n ", "")]
    [InlineData("!!! ... ???", "")]
    public void Splits_words_drops_punctuation_and_line_breaks(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', ImdbTokenizer.Tokenize(text)));
    }

    [Fact]
    public void Keeps_combining_marks_and_letters_outside_the_basic_plane_inside_words()
    {
        string decomposed = "cafe\u0301";
        string gothic = "\U00010330\U00010331";
        Assert.Equal([decomposed, gothic], ImdbTokenizer.Tokenize($"{decomposed}, {gothic}!"));
    }

    [Fact]
    public void Enumerating_spans_matches_tokenize()
    {
        const string text = "A <br />dull, DULL film... 'really'";
        var words = new List<string>();
        foreach (ReadOnlySpan<char> word in ImdbTokenizer.EnumerateWords(ImdbTokenizer.Normalize(text)))
        {
            words.Add(word.ToString());
        }

        Assert.Equal(["a", "dull", "dull", "film", "really"], words);
        Assert.Equal(words, ImdbTokenizer.Tokenize(text));
    }
}
