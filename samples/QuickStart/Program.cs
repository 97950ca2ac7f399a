// QuickStart: declare a model with [RnnModel], train it on a synthetic sequence task and print its accuracy.
// The task: does the marker token 1 occur anywhere in a random sequence of 30 tokens? The answer has to be carried
// through time, which a bag of words can do but a model without memory cannot.
using System.Diagnostics;
using RnnGen.Initialization;
using RnnGen.Optimizers;
using RnnGen;

const int Marker = 1;
var model = new MarkerModel(seed: 22);
Console.WriteLine(model.Summary());

var optimizer = new Adam(learningRate: 1e-2f);
var random = new RnnRandom(1);
const int BatchSize = 64;
var stopwatch = Stopwatch.StartNew();
for (int step = 1; step <= 300; step++)
{
    (int[] tokens, float[] labels) = Batch(random, BatchSize);
    float loss = model.TrainStep(tokens, labels, optimizer);
    if (step % 50 == 0)
    {
        Console.WriteLine($"step {step,3}: loss {loss:F4}");
    }
}

(int[] testTokens, float[] testLabels) = Batch(new RnnRandom(2), 5000);
float[] probabilities = model.Predict(testTokens);
int correct = probabilities.Where((p, i) => (p > 0.5f) == (testLabels[i] == 1)).Count();
Console.WriteLine($"trained in {stopwatch.Elapsed.TotalSeconds:F1} s; test accuracy {correct / (double)probabilities.Length:F4} on {probabilities.Length} sequences");

static (int[] Tokens, float[] Labels) Batch(RnnRandom random, int count)
{
    var tokens = new int[count * MarkerModel.SeqLen];
    var labels = new float[count];
    for (int b = 0; b < count; b++)
    {
        for (int t = 0; t < MarkerModel.SeqLen; t++)
        {
            tokens[(b * MarkerModel.SeqLen) + t] = 2 + random.NextInt32(MarkerModel.Vocab - 2);
        }

        if (random.NextInt32(2) == 1)
        {
            tokens[(b * MarkerModel.SeqLen) + random.NextInt32(MarkerModel.SeqLen)] = Marker;
            labels[b] = 1;
        }
    }

    return (tokens, labels);
}

/// <summary>Embedding(50, 16) → SimpleRNN(32) → Dense(1), over sequences of 30 tokens.</summary>
[RnnModel(Vocab = 50, Embed = 16, Units = 32, Layers = 1, SeqLen = 30)]
internal sealed partial class MarkerModel
{
}
