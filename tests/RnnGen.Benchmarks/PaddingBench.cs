using System.Diagnostics;
using RnnGen.Data;
using RnnGen.Optimizers;
using RnnGen.Training;

namespace RnnGen.Benchmarks;

/// <summary>
/// Time spent on padding: config C (LSTM(32), SeqLen 500) on the real IMDB training reviews, pre-padded as Keras pads
/// them, unmasked, masked (all-padding steps of a batch skipped) and masked with length-bucketed batches. One RESULT
/// line per run: the median epoch time of Fit over the 20,000 training reviews (RMSprop, batch 128).
/// </summary>
internal static class PaddingBench
{
    public static void Run(int epochs, IEnumerable<int> threadCounts)
    {
        ImdbDataset imdb = ImdbDataset.Load(new ImdbOptions { NumWords = ConfigC.Vocab, SeqLen = ConfigC.SeqLen, Log = null });
        SequenceDataset train = imdb.Train.SplitValidation(0.2).Train;
        double padded = train.Tokens.Count(0) / (double)train.Tokens.Length;
        Console.WriteLine(FormattableString.Invariant($"# IMDB train: {train.Count} reviews of SeqLen {train.SeqLen}, {100 * padded:F1}% of the ids are padding"));
        foreach (int threads in threadCounts)
        {
            Measure("C-imdb", new ConfigC(seed: 1), train, epochs, threads, bucket: false);
            Measure("C-imdb-masked", new ConfigCMasked(seed: 1), train, epochs, threads, bucket: false);
            Measure("C-imdb-masked-bucketed", new ConfigCMasked(seed: 1), train, epochs, threads, bucket: true);
        }
    }

    private static void Measure(string name, IRnnModel model, SequenceDataset train, int epochs, int threads, bool bucket)
    {
        model.Threads = threads;
        var optimizer = new RmsProp();
        var seconds = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            var clock = Stopwatch.StartNew();
            model.Fit(train, epochs: 1, batchSize: 128, optimizer, seed: e, verbose: 0, bucketByLength: bucket);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        seconds.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT config={name} threads={threads} epoch_s={seconds[seconds.Count / 2]:F2} epoch_s_min={seconds[0]:F2} epochs={epochs} bucketed={(bucket ? 1 : 0)} cpu=\"{Machine.CpuModel}\" {Machine.VectorFields}"));
    }
}
