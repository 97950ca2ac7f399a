using RnnGen.Text;

namespace RnnGen.Data.Tests;

/// <summary>Keras' TextVectorization semantics (docs/keras-conventions.md, Text to ids), case by case.</summary>
public class TextVectorizerTests
{
    [Theory]
    [InlineData("Don't <br />E-mail me!", "dont br email me")]
    [InlineData("ÀBC É… “quoted” «x»", "Àbc É… “quoted” «x»")] // only ASCII is lowered; non-ASCII punctuation stays
    [InlineData("a_b|c~d\\e'f`g", "abcdefg")]
    [InlineData("", "")]
    public void Standardize_lowers_ascii_and_deletes_the_32_ascii_punctuation_characters(string text, string expected) =>
        Assert.Equal(expected, TextVectorizer.Standardize(text));

    [Fact]
    public void Splitting_is_on_runs_of_ascii_whitespace_only()
    {
        Assert.Equal(["a", "b", "c\u00A0d", "e"], TextVectorizer.Tokenize(" a\tb\n\n\r\v\fc\u00A0d  e "));
        Assert.Empty(TextVectorizer.Tokenize(" \t\n"));
    }

    [Fact]
    public void The_vocabulary_is_ordered_by_count_then_by_token_descending()
    {
        TextVectorizer vectorizer = TextVectorizer.Adapt(["b a c a b d", "ab abc"], maxTokens: 100, sequenceLength: 4);
        Assert.Equal(["", "[UNK]", "b", "a", "d", "c", "abc", "ab"], vectorizer.Vocabulary);
    }

    [Fact]
    public void Ties_compare_tokens_as_utf8_bytes_not_utf16_code_units()
    {
        // U+FF5E is EF BD 9E in UTF-8 and 0xFF5E in UTF-16; U+1F600 is F0 9F 98 80 and the surrogates D83D DE00.
        // As UTF-8 the emoji is larger, as UTF-16 the other; descending order puts the larger first.
        TextVectorizer vectorizer = TextVectorizer.Adapt(["\uFF5E \U0001F600"], maxTokens: 10, sequenceLength: 2);
        Assert.Equal(["", "[UNK]", "\U0001F600", "\uFF5E"], vectorizer.Vocabulary);
    }

    [Fact]
    public void Max_tokens_counts_the_padding_and_unknown_ids()
    {
        TextVectorizer vectorizer = TextVectorizer.Adapt(["x x x y y z"], maxTokens: 4, sequenceLength: 3);
        Assert.Equal(["", "[UNK]", "x", "y"], vectorizer.Vocabulary);
        Assert.Equal([2, 3, 1], vectorizer.Encode("x y z"));
    }

    [Fact]
    public void Texts_are_padded_and_cut_at_the_end()
    {
        TextVectorizer vectorizer = TextVectorizer.Adapt(["one two three four five"], maxTokens: 100, sequenceLength: 3);
        int one = vectorizer.IdOf("one"), two = vectorizer.IdOf("two"), three = vectorizer.IdOf("three");
        Assert.Equal([one, two, three], vectorizer.Encode("One, two; THREE four five"));
        Assert.Equal([two, 0, 0], vectorizer.Encode("two"));
        Assert.Equal([0, 0, 0], vectorizer.Encode("!!! ..."));
        Assert.Equal([1, one, 0], vectorizer.Encode("unseen one"));
    }

    [Fact]
    public void A_saved_vectorizer_gives_the_training_ids_after_loading()
    {
        using var temp = new TempFolder();
        string[] corpus = ["The film was great, GREAT fun!", "A dull film; the end.", "Ünïcödé stays — as is…", "tab\tseparated\nlines"];
        TextVectorizer trained = TextVectorizer.Adapt(corpus, maxTokens: 12, sequenceLength: 6);
        trained.Save(temp.Path);

        TextVectorizer loaded = TextVectorizer.Load(temp.Path);

        Assert.Equal(trained.Vocabulary, loaded.Vocabulary);
        Assert.Equal(trained.EncodeAll(corpus), loaded.EncodeAll(corpus));
        Assert.Equal(trained.EncodeAll(["never seen words", "great film"]), loaded.EncodeAll(["never seen words", "great film"]));
        Assert.StartsWith("\n[UNK]\n", File.ReadAllText(temp.Combine(TextVectorizer.VocabularyFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_vocabulary_file_with_windows_line_ends_reads_the_same()
    {
        using var temp = new TempFolder();
        TextVectorizer saved = TextVectorizer.Adapt(["a b c a"], maxTokens: 10, sequenceLength: 3);
        saved.Save(temp.Path);
        string path = temp.Combine(TextVectorizer.VocabularyFileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\n", "\r\n", StringComparison.Ordinal));

        TextVectorizer loaded = TextVectorizer.Load(temp.Path); // was: every id shifted by 2, every word [UNK]
        Assert.Equal(saved.Vocabulary, loaded.Vocabulary);
        Assert.Equal(saved.Encode("a b c"), loaded.Encode("a b c"));
    }

    [Fact]
    public void A_vocabulary_file_that_disagrees_with_its_description_is_refused_naming_the_file()
    {
        using var temp = new TempFolder();
        TextVectorizer.Adapt(["a b c"], maxTokens: 10, sequenceLength: 2).Save(temp.Path);
        File.AppendAllText(temp.Combine(TextVectorizer.VocabularyFileName), "\nextra");

        var error = Assert.Throws<InvalidDataException>(() => TextVectorizer.Load(temp.Path));
        Assert.Contains(TextVectorizer.VocabularyFileName, error.Message, StringComparison.Ordinal);
        Assert.Contains("6 lines", error.Message, StringComparison.Ordinal);
    }
}
