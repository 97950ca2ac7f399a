using RnnGen.Callbacks;
using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Initialization;
using RnnGen.Optimizers;
using RnnGen.Training;

namespace RnnGen.Tests;

/// <summary>Fit(bucketByLength: true): a seeded permutation of batches of similar length, resumable, and the same bits on any thread count.</summary>
public class LengthBucketTests
{
    [Fact]
    public void The_order_is_a_seeded_permutation_whose_batches_hold_similar_lengths()
    {
        SequenceDataset data = Padded(new RnnRandom(4), count: 2000, seqLen: 50);
        int[] Order(int seed)
        {
            int[] order = [.. Enumerable.Range(0, data.Count)];
            var random = new RnnRandom(seed);
            random.Shuffle(order.AsSpan());
            LengthBuckets.Arrange(order, data, batchSize: 16, random);
            return order;
        }

        int[] order = Order(1);
        Assert.Equal(Enumerable.Range(0, data.Count), order.Order());
        Assert.Equal(order, Order(1));
        Assert.NotEqual(order, Order(2));

        int Length(int sample) => data.Sequence(sample).Length - data.Sequence(sample).Count(0);
        double Spread(IEnumerable<int> batch) => batch.Max(Length) - batch.Min(Length);
        double bucketed = order.Chunk(16).Average(Spread);
        int[] shuffled = [.. Enumerable.Range(0, data.Count)];
        new RnnRandom(1).Shuffle(shuffled.AsSpan());
        double random = shuffled.Chunk(16).Average(Spread);
        Assert.True(bucketed < random / 5, $"mean length spread per batch {bucketed:F1} bucketed vs {random:F1} shuffled");
    }

    [Fact]
    public void Bucketed_masked_training_is_deterministic_on_one_and_two_threads_and_its_checkpoint_says_so()
    {
        SequenceDataset data = Padded(new RnnRandom(6), count: 400, seqLen: MaskedLstmDropout.SeqLen, vocab: MaskedLstmDropout.Vocab);
        float[] Train(int threads, string? checkpoint = null)
        {
            var model = new MaskedLstmDropout(seed: 3) { Threads = threads };
            model.Fit(data, epochs: 2, batchSize: 32, new RmsProp(1e-2f), seed: 5, verbose: 0, bucketByLength: true,
                callbacks: checkpoint is null ? null : [new ModelCheckpoint(checkpoint, monitor: "loss")]);
            return model.Parameters.ToArray();
        }

        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "bucketed.safetensors");
        float[] one = Train(1, path);
        Assert.Equal(one, Train(2));
        Assert.NotEqual(one, new MaskedLstmDropout(seed: 3).Parameters.ToArray());

        var resumed = new MaskedLstmDropout();
        var optimizer = new RmsProp(1e-2f);
        TrainingCheckpoint checkpoint = Checkpoint.Load(path, resumed, optimizer);
        Assert.True(checkpoint.Position!.BucketByLength);
        var error = Assert.Throws<CheckpointException>(() => resumed.Fit(data, epochs: 3, batchSize: 32, optimizer, seed: 5, verbose: 0, resume: checkpoint));
        Assert.Contains("bucket_by_length was True, now False", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Pre-padded rows of random lengths 1 … seqLen, labels from the parity of the first real token.</summary>
    private static SequenceDataset Padded(RnnRandom random, int count, int seqLen, int vocab = 20)
    {
        int[] tokens = new int[count * seqLen];
        float[] labels = new float[count];
        for (int b = 0; b < count; b++)
        {
            int length = 1 + random.NextInt32(seqLen);
            for (int k = seqLen - length; k < seqLen; k++)
            {
                tokens[(b * seqLen) + k] = 1 + random.NextInt32(vocab - 1);
            }

            labels[b] = tokens[(b * seqLen) + seqLen - length] % 2;
        }

        return new SequenceDataset(tokens, labels, seqLen);
    }
}
