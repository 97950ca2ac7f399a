using RnnGen.Data;
using RnnGen.Serving;
using RnnGen.Text;

namespace RnnGen.Tests;

/// <summary>The IMDB path's encoding as a classifier folder: Keras' IMDB ids saved beside the weights and loaded back.</summary>
public class ImdbEncoderTests
{
    private static readonly string[] s_reviews = ["a good film, a good cast", "a bad film and a bad plot", "the plot is good", "bad acting"];

    [Fact]
    public void A_classifier_with_imdb_ids_saves_loads_and_predicts_the_training_ids()
    {
        using var folder = new TempFolder();
        Vocabulary vocabulary = Vocabulary.Build(s_reviews);
        var options = new ImdbOptions { NumWords = 8, SkipTop = 1, SeqLen = BinaryTickets.SeqLen, Padding = Padding.Post, Truncating = Truncating.Post };
        TextClassifier saved = TextClassifier.Create(new BinaryTickets(seed: 3), new ImdbEncoder(vocabulary, options), ["negative", "positive"]);
        saved.Save(folder.Path);

        TextClassifier loaded = TextClassifier.Load(folder.Path, new BinaryTickets(seed: 99));

        var encoder = Assert.IsType<ImdbEncoder>(loaded.Encoder);
        Assert.Equal(vocabulary.Words, encoder.Vocabulary.Words);
        Assert.Equal((8, 1, Padding.Post, Truncating.Post), (encoder.Options.NumWords, encoder.Options.SkipTop, encoder.Options.Padding, encoder.Options.Truncating));
        string[] texts = ["a good plot", "an unseen word and a bad film", string.Join(' ', Enumerable.Repeat("good bad", 20))];
        foreach (string text in texts)
        {
            int[] ids = new int[BinaryTickets.SeqLen];
            encoder.Encode(text, ids);
            Assert.Equal(ImdbDataset.EncodeText(text, vocabulary, options), ids);
        }

        Assert.Equal(saved.Predict(texts), loaded.Predict(texts), static (a, b) => a.Label == b.Label && a.Probabilities.SequenceEqual(b.Probabilities));
    }

    [Fact]
    public void Without_a_word_limit_the_last_word_id_counts_toward_the_vocabulary_size()
    {
        // Ids run from 4 to Count + 3, so Count + 4 ids are used; a model with Count + 3 would read past its embedding.
        Vocabulary vocabulary = Vocabulary.Build(s_reviews);
        var encoder = new ImdbEncoder(vocabulary, new ImdbOptions { NumWords = null, SeqLen = BinaryTickets.SeqLen });
        int largest = vocabulary.Encode(string.Join(' ', vocabulary.Words), numWords: null, skipTop: 0).Max();

        Assert.Equal(vocabulary.Count + Vocabulary.IndexFrom, largest);
        Assert.Equal(largest + 1, encoder.VocabularySize);
    }

    [Theory]
    [InlineData("seq_len", "0", "seq_len is 0")]
    [InlineData("padding", "\"middle\"", "padding is 'middle'")]
    [InlineData("num_words", "2", "num_words is 2")]
    [InlineData("vocabulary_size", "99", "says the vocabulary has 99")]
    [InlineData("num_words", "remove", "num_words")]
    public void A_damaged_encoding_file_is_refused_naming_it(string field, string value, string expected)
    {
        using var folder = new TempFolder();
        Vocabulary vocabulary = Vocabulary.Build(s_reviews);
        new ImdbEncoder(vocabulary, new ImdbOptions { NumWords = 8, SeqLen = BinaryTickets.SeqLen }).Save(folder.Path);
        string config = Path.Combine(folder.Path, ImdbEncoder.ConfigFileName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        if (value == "remove")
        {
            json.Remove(field);
        }
        else
        {
            json[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        }

        File.WriteAllText(config, json.ToJsonString());

        var error = Assert.Throws<InvalidDataException>(() => ImdbEncoder.Load(folder.Path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(ImdbEncoder.ConfigFileName, error.Message, StringComparison.Ordinal);
    }
}
