using RnnGen.Optimizers;
using RnnGen.Initialization;

namespace RnnGen.Tests;

/// <summary>Determinism and learning of generated models trained with the runtime's optimizers.</summary>
public class TrainingTests
{
    [Fact]
    public void OneSeedGivesBitIdenticalWeightsAndLosses()
    {
        (float[] lossesA, float[] weightsA) = Train(seed: 42);
        (float[] lossesB, float[] weightsB) = Train(seed: 42);
        (float[] lossesC, _) = Train(seed: 43);

        Assert.Equal(lossesA, lossesB);
        Assert.True(weightsA.AsSpan().SequenceEqual(weightsB), "same seed, different weights");
        Assert.NotEqual(lossesA, lossesC);

        static (float[] Losses, float[] Weights) Train(int seed)
        {
            var model = new OddShapes(seed);
            var optimizer = new Adam(1e-2f);
            var random = new RnnRandom(seed);
            var losses = new float[20];
            for (int step = 0; step < losses.Length; step++)
            {
                (int[] tokens, float[] labels) = MarkerTask.Batch(random, OddShapes.Vocab, OddShapes.SeqLen, 16);
                losses[step] = model.TrainStep(tokens, labels, optimizer);
            }

            return (losses, model.Parameters.ToArray());
        }
    }

    [Fact]
    public void SeedModelInitializationIsKerasDefault()
    {
        var model = new SeedModel(seed: 22);
        Assert.All(model.EmbeddingEmbeddings.ToArray(), static w => Assert.InRange(w, -0.05f, 0.05f));
        float glorot = MathF.Sqrt(6f / (100 + 64));
        Assert.All(model.SimpleRnnKernel.ToArray(), w => Assert.InRange(w, -glorot, glorot));
        Assert.True(model.SimpleRnnKernel.ToArray().Max(MathF.Abs) > 0.9f * glorot);
        Assert.All(model.SimpleRnnBias.ToArray(), static w => Assert.Equal(0f, w));
        Assert.All(model.DenseBias.ToArray(), static w => Assert.Equal(0f, w));
        float denseLimit = MathF.Sqrt(6f / (64 + 1));
        Assert.All(model.DenseKernel.ToArray(), w => Assert.InRange(w, -denseLimit, denseLimit));
        InitializerTests.AssertOrthonormalRows(model.SimpleRnn1RecurrentKernel, 64, 64);
        Assert.True(new SeedModel(seed: 22).Parameters.SequenceEqual(model.Parameters));
        Assert.False(new SeedModel(seed: 23).Parameters.SequenceEqual(model.Parameters));
    }

    [Fact]
    public void LearnsTheMarkerTaskToNinetyFivePercent()
    {
        var model = new MarkerDetector(seed: 1);
        var optimizer = new Adam(learningRate: 1e-2f);
        var random = new RnnRandom(5);
        for (int step = 0; step < 400; step++)
        {
            (int[] tokens, float[] labels) = MarkerTask.Batch(random, MarkerDetector.Vocab, MarkerDetector.SeqLen, 32);
            model.TrainStep(tokens, labels, optimizer);
        }

        (int[] testTokens, float[] testLabels) = MarkerTask.Batch(new RnnRandom(999), MarkerDetector.Vocab, MarkerDetector.SeqLen, 2000);
        float[] probabilities = model.Predict(testTokens);
        int correct = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            correct += (probabilities[i] > 0.5f) == (testLabels[i] == 1) ? 1 : 0;
        }

        double accuracy = correct / (double)probabilities.Length;
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:F4}");
    }

    [Fact]
    public void OneStepAllocatesNothingOnceBuffersExist()
    {
        var model = new SeedModel(seed: 1);
        var optimizer = new Adam();
        (int[] tokens, float[] labels) = TestData.RandomBatch(3, SeedModel.Vocab, SeedModel.SeqLen, 8);
        model.TrainStep(tokens, labels, optimizer);
        model.TrainStep(tokens, labels, optimizer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.TrainStep(tokens, labels, optimizer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}

/// <summary>
/// A synthetic sequence task: is the marker token 1 anywhere in the sequence? About half the samples get one marker
/// at a random position, so the model must carry the fact through time.
/// </summary>
internal static class MarkerTask
{
    public const int Marker = 1;

    public static (int[] Tokens, float[] Labels) Batch(RnnRandom random, int vocab, int seqLen, int batch)
    {
        var tokens = new int[batch * seqLen];
        var labels = new float[batch];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < seqLen; t++)
            {
                tokens[(b * seqLen) + t] = 2 + random.NextInt32(vocab - 2);
            }

            if (random.NextInt32(2) == 1)
            {
                tokens[(b * seqLen) + random.NextInt32(seqLen)] = Marker;
                labels[b] = 1;
            }
        }

        return (tokens, labels);
    }
}
