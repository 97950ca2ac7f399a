using RnnGen.Data;
using RnnGen.Optimizers;
using RnnGen.Serving;
using RnnGen.Text;
using RnnGen.Training;

namespace RnnGen.Tests;

/// <summary>A trained classifier as a unit: your own texts in, a folder out, and raw texts predicted from the folder.</summary>
public class TextClassifierTests
{
    [Fact]
    public void Texts_train_save_load_and_predict_the_same_as_before_saving()
    {
        using var folder = new TempFolder();
        LabeledTexts data = Corpus(new Random(3), 900);
        (LabeledTexts train, LabeledTexts validation) = data.Split(0.2, seed: 1);
        TextVectorizer vectorizer = TextVectorizer.Adapt(train.Texts, maxTokens: TicketClassifier.Vocab, sequenceLength: TicketClassifier.SeqLen);
        var model = new TicketClassifier(seed: 4);
        model.Fit(train.Encode(vectorizer), epochs: 8, batchSize: 32, new Adam(1e-2f), validation: validation.Encode(vectorizer), verbose: 0);
        TextClassifier trained = TextClassifier.Create(model, vectorizer, train.ClassNames);
        trained.Save(folder.Path);

        TextClassifier loaded = TextClassifier.Load(folder.Path, new TicketClassifier(seed: 99));

        Assert.Equal(["billing", "login", "shipping"], loaded.ClassNames);
        string[] fresh = ["My invoice charged me twice, refund please", "cannot sign in, password reset link broken", "parcel lost, where is my delivery"];
        IReadOnlyList<TextPrediction> before = trained.Predict(fresh);
        IReadOnlyList<TextPrediction> after = loaded.Predict(fresh);
        Assert.Equal(before, after, (a, b) => a.Label == b.Label && a.Probabilities.SequenceEqual(b.Probabilities));
        Assert.Equal(["billing", "login", "shipping"], after.Select(static p => p.Label));
        Assert.All(after, static p => Assert.Equal(1f, p.Probabilities.Sum(), 4));
        Assert.Equal(validation.Encode(vectorizer).Tokens, validation.Encode(loaded.Encoder as TextVectorizer ?? throw new InvalidOperationException()).Tokens);

        Assert.Throws<ArgumentOutOfRangeException>(() => loaded.PredictLines(new StringReader("x"), batchSize: 0)); // at the call, not when enumerated
        var lines = loaded.PredictLines(new StringReader(string.Join("\n", fresh))).ToList();
        Assert.Equal(fresh, lines.Select(static l => l.Text));
        Assert.Equal(after.Select(static p => p.Label), lines.Select(static l => l.Prediction.Label));
    }

    [Fact]
    public void A_folder_of_another_model_or_a_misfitting_encoder_is_refused_with_what_differs()
    {
        using var folder = new TempFolder();
        TextVectorizer vectorizer = TextVectorizer.Adapt(["a b c"], maxTokens: TicketClassifier.Vocab, sequenceLength: TicketClassifier.SeqLen);
        TextClassifier.Create(new TicketClassifier(), vectorizer, ["x", "y", "z"]).Save(folder.Path);

        var error = Assert.Throws<InvalidDataException>(() => TextClassifier.Load(folder.Path, new MarkerClassifier()));
        Assert.Contains("was saved from the model Gru(sigmoid, reset_after) V=200", error.Message, StringComparison.Ordinal);

        TextVectorizer wrongLength = TextVectorizer.Adapt(["a b c"], maxTokens: 10, sequenceLength: 3);
        var argument = Assert.Throws<ArgumentException>(() => TextClassifier.Create(new TicketClassifier(), wrongLength, ["x", "y", "z"]));
        Assert.Contains("writes 3 ids per text, but the model TicketClassifier reads 16", argument.Message, StringComparison.Ordinal);
        argument = Assert.Throws<ArgumentException>(() => TextClassifier.Create(new TicketClassifier(), vectorizer, ["x", "x", "y"]));
        Assert.Contains("the class names repeat", argument.Message, StringComparison.Ordinal);
        argument = Assert.Throws<ArgumentException>(() => TextClassifier.Create(new TicketClassifier(), vectorizer, ["x", "y"]));
        Assert.Contains("2 class names, but the model TicketClassifier has 3 classes", argument.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => TextClassifier.Load(Path.Combine(folder.Path, "missing"), new TicketClassifier()));
    }

    [Fact]
    public void A_sigmoid_model_gives_two_classes_with_the_probability_of_the_chosen_one()
    {
        var model = new BinaryTickets(seed: 2);
        TextVectorizer vectorizer = TextVectorizer.Adapt(["good fine", "bad awful"], maxTokens: BinaryTickets.Vocab, sequenceLength: BinaryTickets.SeqLen);
        TextClassifier classifier = TextClassifier.Create(model, vectorizer, ["neg", "pos"]);
        TextPrediction prediction = classifier.Predict("good");
        float p = model.Predict(vectorizer.Encode("good"))[0];
        Assert.Equal(p > 0.5f ? "pos" : "neg", prediction.Label);
        Assert.Equal([1 - p, p], prediction.Probabilities);
        Assert.Equal(Math.Max(p, 1 - p), prediction.Probability);
    }

    /// <summary>Support tickets of three teams, each written from its own words plus shared filler, with typos and case.</summary>
    internal static LabeledTexts Corpus(Random random, int count)
    {
        string[][] words =
        [
            ["invoice", "refund", "charged", "payment", "bill", "card", "twice", "price"],
            ["password", "login", "sign", "account", "locked", "reset", "link", "code"],
            ["parcel", "delivery", "shipping", "lost", "courier", "address", "package", "late"],
        ];
        string[] filler = ["please", "help", "my", "the", "is", "not", "working", "since", "yesterday", "urgent", "hi", "thanks"];
        var texts = new string[count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(3);
            int length = 4 + random.Next(10);
            var text = new List<string>();
            for (int w = 0; w < length; w++)
            {
                string word = random.Next(3) == 0 ? words[label][random.Next(8)] : filler[random.Next(filler.Length)];
                text.Add(random.Next(5) == 0 ? word.ToUpperInvariant() + "," : word);
            }

            text[random.Next(length)] = words[label][random.Next(8)];
            texts[i] = string.Join(' ', text);
            labels[i] = label;
        }

        return new LabeledTexts(texts, labels, ["billing", "login", "shipping"]);
    }
}
