using System.Diagnostics;
using RnnGen.Optimizers;

namespace RnnGen.Tests;

/// <summary>
/// One model, two threads. A generated model reuses its batch buffers, so a call that overlaps another must be refused
/// with an InvalidOperationException that says why; it must never return wrong numbers or corrupt the other call.
/// (Before the guard, two threads predicting on one model got 7-67% wrong probabilities and sometimes an AggregateException.)
/// </summary>
[Collection(nameof(AllocationTests))] // alone: the two threads need both cores to overlap
public class ConcurrentUseTests
{
    [Fact]
    public void A_call_that_overlaps_another_on_the_same_model_is_refused_and_no_result_is_wrong()
    {
        var model = new SeedModel(seed: 4) { Threads = 1 };
        (int[] tokens, _) = TestData.RandomBatch(9, SeedModel.Vocab, SeedModel.SeqLen, 96);
        float[] expected = model.Predict(tokens);

        int refused = 0, wrong = 0, completed = 0;
        var other = new List<Exception>();
        void Hammer()
        {
            var clock = Stopwatch.StartNew();
            var probabilities = new float[96];
            while (clock.ElapsedMilliseconds < 400)
            {
                try
                {
                    model.Predict(tokens, probabilities);
                    Interlocked.Increment(ref completed);
                    if (!probabilities.AsSpan().SequenceEqual(expected))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (InvalidOperationException e) when (e.Message.Contains("SeedModel.Predict was called while another call on the same model is running", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refused);
                }
                catch (Exception e)
                {
                    lock (other)
                    {
                        other.Add(e);
                    }
                }
            }
        }

        var first = new Thread(Hammer);
        var second = new Thread(Hammer);
        first.Start();
        second.Start();
        first.Join();
        second.Join();

        Assert.Empty(other);
        Assert.Equal(0, wrong);
        Assert.True(refused > 0, $"the two threads never overlapped ({completed} calls completed)");
        Assert.True(completed > 0, $"every call was refused ({refused})");

        // The model is free again, and intact.
        Assert.Equal(expected, model.Predict(tokens));
    }

    [Fact]
    public void Training_while_another_thread_predicts_is_refused_too()
    {
        var model = new S1Lstm(seed: 2) { Threads = 1 };
        (int[] tokens, float[] labels) = TestData.RandomBatch(3, S1Lstm.Vocab, S1Lstm.SeqLen, 4000);
        var optimizer = new Adam();
        Exception? seen = null;
        var clock = Stopwatch.StartNew();
        var trainer = new Thread(() =>
        {
            while (clock.ElapsedMilliseconds < 400)
            {
                try
                {
                    model.TrainStep(tokens, labels, optimizer);
                }
                catch (InvalidOperationException)
                {
                    // This thread's call met the other thread's: refused, as it should be.
                }
            }
        });
        trainer.Start();
        while (clock.ElapsedMilliseconds < 400 && seen is null)
        {
            try
            {
                model.Predict(tokens);
            }
            catch (InvalidOperationException e)
            {
                seen = e;
            }
        }

        trainer.Join();
        Assert.NotNull(seen);
        Assert.Contains("S1Lstm.Predict was called while another call on the same model is running on another thread", seen.Message, StringComparison.Ordinal);
    }
}
