using RnnGen.Optimizers;
using RnnGen.Initialization;

namespace RnnGen.Tests;

/// <summary>
/// Data parallelism: a batch splits into shards by its size alone and the shards' gradients are reduced in shard order,
/// so the thread count never changes a bit of the result.
/// </summary>
public class ParallelTests
{
    [Theory]
    [InlineData(nameof(SeedModel), 128, 4)]
    [InlineData(nameof(S1Lstm), 300, 6)]
    [InlineData(nameof(GruDropout), 200, 6)]
    [InlineData(nameof(RnnDropout), 257, 6)]
    public void OneAndTwoThreadsGiveBitIdenticalWeights(string name, int batch, int steps)
    {
        float[] one = Train(name, batch, steps, threads: 1, out float[] lossesOne);
        float[] two = Train(name, batch, steps, threads: 2, out float[] lossesTwo);
        Assert.Equal(lossesOne, lossesTwo);
        Assert.True(one.AsSpan().SequenceEqual(two), "the weights after training differ between 1 and 2 threads");
    }

    [Theory]
    [InlineData(nameof(S1Tanh), 150)]
    [InlineData(nameof(S2GruBefore), 200)]
    [InlineData(nameof(LstmHardOdd), 130)]
    public void ShardedBatchesMatchTheScalarReference(string name, int batch)
    {
        IRnnModel model = ReferenceAgreementTests.Create(name);
        model.Threads = 2;
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 31);
        (int[] tokens, float[] labels) = TestData.RandomBatch(17, description.Vocab, description.SeqLen, batch);
        float loss = model.ComputeGradients(tokens, labels);
        double[] weights = model.Parameters.ToArray().Select(static w => (double)w).ToArray();
        (double[] logits, double expectedLoss) = ScalarReference.GatedForward(description, weights, tokens, labels);
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * expectedLoss, $"loss {loss} vs {expectedLoss}");
        for (int b = 0; b < batch; b++)
        {
            Assert.True(Math.Abs(model.Logits[b] - logits[b]) <= 1e-5 * Math.Max(1, Math.Abs(logits[b])), $"logit {b}");
        }

        if (description.Cell == RnnCell.SimpleRnn)
        {
            GradientAssert.Close(description, model.Gradients, ScalarReference.Run(description, model.Parameters, tokens, labels).Gradients, relative: 1e-5);
        }
    }

    private static float[] Train(string name, int batch, int steps, int threads, out float[] losses)
    {
        IRnnModel model = name switch
        {
            nameof(SeedModel) => new SeedModel(seed: 8),
            nameof(S1Lstm) => new S1Lstm(seed: 8),
            nameof(GruDropout) => new GruDropout(seed: 8),
            _ => new RnnDropout(seed: 8),
        };
        model.Threads = threads;
        var optimizer = new Adam(1e-2f);
        var random = new RnnRandom(4);
        losses = new float[steps];
        ModelDescription description = model.Description;
        for (int step = 0; step < steps; step++)
        {
            (int[] tokens, float[] labels) = TestData.RandomBatch(random.NextInt32(1000), description.Vocab, description.SeqLen, batch);
            losses[step] = model.TrainStep(tokens, labels, optimizer);
        }

        return model.Parameters.ToArray();
    }
}

/// <summary>
/// Counts the bytes allocated during two-thread training steps and predictions, on the calling thread: it signals the
/// worker, runs shards itself (the same code the worker runs) and reduces. The process-wide counter is no use in a test
/// run, where the test framework's own threads allocate; the benchmark harness reports that one (0 bytes per step).
/// The class runs alone so that no other test competes for the two cores and leaves all shards to one thread.
/// </summary>
[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    [Fact]
    public void TwoThreadStepsAllocateNothing()
    {
        var model = new SeedModel(seed: 1) { Threads = 2 };
        var optimizer = new Adam();
        (int[] tokens, float[] labels) = TestData.RandomBatch(3, SeedModel.Vocab, SeedModel.SeqLen, 128);
        float[] probabilities = new float[128];
        for (int i = 0; i < 40; i++)
        {
            model.TrainStep(tokens, labels, optimizer);
            model.Predict(tokens, probabilities);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            model.TrainStep(tokens, labels, optimizer);
            model.Predict(tokens, probabilities);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}

/// <summary>Keeps <see cref="AllocationTests"/> from running beside other test classes.</summary>
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationTestsCollection
{
}
