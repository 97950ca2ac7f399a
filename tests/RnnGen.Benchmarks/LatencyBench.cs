// Serving speed, RnnGen against ONNX Runtime running the same exported model, in one process and one run: batch-1
// latency (p50, p99) from ids and from raw text (tokenization included, the same encoder for both), and throughput at
// batch 1, 32 and 128 on 1 and 2 threads, for the seed model (config A) and the LSTM and GRU setups (configs C, GRU).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen.Initialization;
using RnnGen.Onnx;
using RnnGen.Text;

namespace RnnGen.Benchmarks;

internal static class LatencyBench
{
    public static void Run(IEnumerable<int> threadCounts, double seconds)
    {
        var models = new (string Name, Func<IRnnModel> Create)[]
        {
            ("A", static () => new ConfigA(seed: 1)),
            ("C", static () => new ConfigC(seed: 1)),
            ("GRU", static () => new ConfigGru(seed: 1)),
        };
        foreach ((string name, Func<IRnnModel> create) in models)
        {
            foreach (int threads in threadCounts)
            {
                IRnnModel model = create();
                model.Threads = threads;
                using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
                options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
                using var session = new InferenceSession(model.ToOnnxBytes(), options);
                Measure(name, model, session, threads, seconds);
            }
        }
    }

    private static void Measure(string name, IRnnModel model, InferenceSession session, int threads, double seconds)
    {
        ModelDescription description = model.Description;
        int seqLen = description.SeqLen;
        (string[] texts, TextVectorizer encoder) = Texts(description.Vocab, seqLen);
        var random = new RnnRandom(3);
        int[] tokens = new int[128 * seqLen];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.NextInt32(description.Vocab);
        }

        long[] longTokens = [.. tokens.Select(static t => (long)t)];
        float[] probabilities = new float[128 * description.Classes];

        void RnnGenIds(int batch) => model.Predict(tokens.AsSpan(0, batch * seqLen), probabilities.AsSpan(0, batch * description.Classes));
        void OnnxIds(int batch)
        {
            var input = new DenseTensor<long>(longTokens.AsMemory(0, batch * seqLen), [batch, seqLen]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.TokensInput, input)], [OnnxExport.ProbabilitiesOutput]);
            _ = results[0].AsTensor<float>()[0, 0];
        }

        int next = 0;
        int[] textIds = new int[seqLen];
        long[] textLongIds = new long[seqLen];
        float[] one = new float[description.Classes];
        void RnnGenText()
        {
            encoder.Encode(texts[next++ % texts.Length], textIds);
            model.Predict(textIds, one);
        }

        void OnnxText()
        {
            encoder.Encode(texts[next++ % texts.Length], textIds);
            for (int i = 0; i < seqLen; i++)
            {
                textLongIds[i] = textIds[i];
            }

            var input = new DenseTensor<long>(textLongIds, [1, seqLen]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.TokensInput, input)], [OnnxExport.ProbabilitiesOutput]);
            _ = results[0].AsTensor<float>()[0, 0];
        }

        // The two engines agree on what they compute (the parity tests check 1e-5; this guards the benchmark's inputs).
        RnnGenIds(32);
        float[] expected = probabilities[..32];
        var check = new DenseTensor<long>(longTokens.AsMemory(0, 32 * seqLen), [32, seqLen]);
        using (IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.TokensInput, check)]))
        {
            float[] actual = [.. results.Single(r => r.Name == OnnxExport.ProbabilitiesOutput).AsEnumerable<float>()];
            float worst = expected.Zip(actual, static (a, b) => Math.Abs(a - b)).Max();
            Console.WriteLine(Invariant($"# {name}, {threads} thread(s): RnnGen and ONNX Runtime agree to {worst:E1} on 32 rows"));
        }

        foreach ((string engine, Action ids, Action text) in new[] { ("rnngen", (Action)(() => RnnGenIds(1)), (Action)RnnGenText), ("onnxruntime", () => OnnxIds(1), OnnxText) })
        {
            (double p50, double p99) = Latency(ids, seconds);
            (double t50, double t99) = Latency(text, seconds);
            Console.WriteLine(Invariant(
                $"RESULT latency model={name} engine={engine} threads={threads} ids_p50_us={p50:F1} ids_p99_us={p99:F1} text_p50_us={t50:F1} text_p99_us={t99:F1} {Machine.VectorFields}"));
        }

        foreach (int batch in new[] { 1, 32, 128 })
        {
            double ours = Throughput(() => RnnGenIds(batch), batch, seconds);
            double theirs = Throughput(() => OnnxIds(batch), batch, seconds);
            Console.WriteLine(Invariant(
                $"RESULT throughput model={name} threads={threads} batch={batch} rnngen_sps={ours:F0} onnxruntime_sps={theirs:F0} ratio={ours / theirs:F2} {Machine.VectorFields}"));
        }
    }

    // Synthetic reviews of 100 to 400 words (IMDB's median is about 170) over a 20,000-word vocabulary, so some words
    // fall outside the model's; the encoder is Keras TextVectorization's, adapted on them.
    private static (string[] Texts, TextVectorizer Encoder) Texts(int vocab, int seqLen)
    {
        var random = new Random(5);
        string[] words = [.. Enumerable.Range(0, 20_000).Select(static i => $"word{i}")];
        string[] texts = new string[256];
        for (int i = 0; i < texts.Length; i++)
        {
            int length = random.Next(100, 400);
            texts[i] = string.Join(' ', Enumerable.Range(0, length).Select(_ => words[(int)Math.Min(words.Length - 1, Math.Abs(random.NextDouble() * random.NextDouble()) * words.Length)]));
        }

        return (texts, TextVectorizer.Adapt(texts, maxTokens: vocab, sequenceLength: seqLen));
    }

    private static (double P50, double P99) Latency(Action call, double seconds)
    {
        for (int i = 0; i < 200; i++)
        {
            call();
        }

        var samples = new List<double>();
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end || samples.Count < 100)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        samples.Sort();
        return (samples[samples.Count / 2], samples[(int)(samples.Count * 0.99)]);
    }

    private static double Throughput(Action call, int batch, double seconds)
    {
        for (int i = 0; i < 20; i++)
        {
            call();
        }

        long calls = 0;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end || calls < 10)
        {
            call();
            calls++;
        }

        return calls * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
