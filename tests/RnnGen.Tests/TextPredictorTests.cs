using RnnGen.Data;
using RnnGen.Serving;
using RnnGen.Text;

namespace RnnGen.Tests;

/// <summary>The thread-safe predictor: many callers at once, each result the bits of a single-threaded prediction.</summary>
public class TextPredictorTests
{
    [Fact]
    public void Many_concurrent_callers_get_exactly_the_single_threaded_results()
    {
        LabeledTexts data = TextClassifierTests.Corpus(new Random(8), 400);
        TextVectorizer vectorizer = TextVectorizer.Adapt(data.Texts, maxTokens: TicketClassifier.Vocab, sequenceLength: TicketClassifier.SeqLen);
        var model = new TicketClassifier(seed: 3);
        TestData.RandomizeWeights(model, seed: 5, scale: 0.8f);
        TextClassifier classifier = TextClassifier.Create(model, vectorizer, data.ClassNames);
        IReadOnlyList<TextPrediction> expected = classifier.Predict(data.Texts);

        using var predictor = new TextPredictor(classifier, static () => new TicketClassifier(), maxReplicas: 4);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 }, caller =>
        {
            var random = new Random(caller);
            for (int call = 0; call < 20; call++)
            {
                int first = random.Next(data.Count - 30);
                int count = 1 + random.Next(30);
                string[] texts = data.Texts.Skip(first).Take(count).ToArray();
                IReadOnlyList<TextPrediction> got = count == 1 ? [predictor.Predict(texts[0])] : predictor.Predict(texts, batchSize: 1 + random.Next(8));
                for (int i = 0; i < count; i++)
                {
                    if (got[i].Label != expected[first + i].Label || !got[i].Probabilities.SequenceEqual(expected[first + i].Probabilities))
                    {
                        failures.Add($"caller {caller}, call {call}, text {first + i}");
                    }
                }
            }
        });

        Assert.Empty(failures);
        Assert.InRange(predictor.Replicas, 1, 4);
    }

    [Fact]
    public async Task A_factory_of_another_model_is_refused_without_starving_the_next_caller()
    {
        TextVectorizer vectorizer = TextVectorizer.Adapt(["a b"], maxTokens: TicketClassifier.Vocab, sequenceLength: TicketClassifier.SeqLen);
        TextClassifier classifier = TextClassifier.Create(new TicketClassifier(), vectorizer, ["x", "y", "z"]);
        using var predictor = new TextPredictor(classifier, static () => new MarkerClassifier(), maxReplicas: 1);

        // Three calls on one slot: each fails with the reason; before the fix the failed rent kept its permit, and the
        // second call waited forever.
        Task calls = Task.Run(() =>
        {
            for (int call = 0; call < 3; call++)
            {
                var error = Assert.Throws<InvalidOperationException>(() => predictor.Predict("a"));
                Assert.Contains("made a MarkerClassifier", error.Message, StringComparison.Ordinal);
            }
        });
        Task first = await Task.WhenAny(calls, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(first == calls, "a failed rent starved the next caller");
        await calls;

        using var sharing = new TextPredictor(classifier, () => classifier.Model);
        Assert.Contains("the classifier's own model", Assert.Throws<InvalidOperationException>(() => sharing.Predict("a")).Message, StringComparison.Ordinal);
    }
}
