// Benchmark harness for whole training epochs and inference of generated models on random token ids (the benchmark
// issue's configs A, B, C and a GRU variant of C, and the variants of C the second wave added: GRU reset_after=False,
// masked, masked bidirectional and an 8-class head). Each figure is printed as one machine-readable RESULT line.
// The FMA peak of this machine is measured in the same run, so "peak_pct" compares against this run's own ceiling.
// Usage: dotnet run -c Release --project tests/RnnGen.Benchmarks -- [--epochs N] [--config NAME] [--threads N] [--kernels]
//        NAME: A|B|C|GRU|C-dropout|GRU-reset-before|C-masked|C-bidirectional|C-8-classes
//        ... -- --padding [--epochs N] [--threads N]   (config C on real IMDB lengths: unmasked, masked, masked + bucketed)
//        ... -- --data [--documents N]   (read + vectorize throughput of N synthetic JSON Lines documents)
//        ... -- --scaling [--epochs N] [--threads N]   (LSTM epoch time across SeqLen, Units and batch)
//        ... -- --latency [--seconds S] [--threads N]   (serving: batch-1 latency and throughput against ONNX Runtime)
//        ... -- --load URL [--seconds S] [--connections N]   (requests/s and latency of a running serve command)
//        ... -- --runner   (what a round of the shard runner costs beyond its work, 2 threads)
using System.Diagnostics;
using System.Globalization;
using RnnGen.Benchmarks;
using RnnGen.Initialization;
using RnnGen.Optimizers;
using RnnGen;

int epochs = 3;
string? only = null;
int? onlyThreads = null;
bool kernels = args.Contains("--kernels");
for (int i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--epochs":
            epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--config":
            only = args[i + 1];
            break;
        case "--threads":
            onlyThreads = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
    }
}

if (Array.IndexOf(args, "--load") is int load and >= 0)
{
    int secondsAt = Array.IndexOf(args, "--seconds");
    int connectionsAt = Array.IndexOf(args, "--connections");
    LoadBench.Run(new Uri(args[load + 1]),
        secondsAt >= 0 ? double.Parse(args[secondsAt + 1], CultureInfo.InvariantCulture) : 30,
        connectionsAt >= 0 ? int.Parse(args[connectionsAt + 1], CultureInfo.InvariantCulture) : 4);
    return;
}

if (args.Contains("--data"))
{
    // The data path, not the kernels: --data [--documents N] (default 1,000,000).
    int index = Array.IndexOf(args, "--documents");
    DataPath.Run(index >= 0 ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 1_000_000, sequenceLength: 200, maxTokens: 20_000);
    return;
}

Console.WriteLine($"# {Machine.CpuModel} ({Machine.CpuFlags}), {Environment.ProcessorCount} cores, .NET {Environment.Version}; kernels run {Machine.VectorFields}");
Console.WriteLine($"RESULT cpu model=\"{Machine.CpuModel}\" flags={Machine.CpuFlags} cores={Environment.ProcessorCount} {Machine.VectorFields}");
double peak = FmaPeak.MeasureGflops();
double peakAll = FmaPeak.MeasureGflops(Environment.ProcessorCount);
Console.WriteLine(Invariant($"RESULT peak threads=1 fma_gflops={peak:F1} {Machine.VectorFields}"));
Console.WriteLine(Invariant($"RESULT peak threads={Environment.ProcessorCount} fma_gflops={peakAll:F1} {Machine.VectorFields}"));
if (args.Contains("--latency"))
{
    int secondsIndex = Array.IndexOf(args, "--seconds");
    LatencyBench.Run(onlyThreads is { } n ? [n] : new[] { 1, Environment.ProcessorCount }.Distinct(),
        secondsIndex >= 0 ? double.Parse(args[secondsIndex + 1], CultureInfo.InvariantCulture) : 3);
    return;
}

if (args.Contains("--runner"))
{
    RunnerBench.Run();
    return;
}

if (args.Contains("--padding"))
{
    PaddingBench.Run(epochs, onlyThreads is { } t ? [t] : new[] { 1, Environment.ProcessorCount }.Distinct());
    return;
}

if (args.Contains("--scaling"))
{
    // How the cost grows (config C's LSTM, RMSprop): SeqLen 100/250/500/1000, Units 32/64/128/256 (SeqLen 500) and batch
    // 32/128/512, each timed on 4,096 samples and stated per 20,000-sample epoch, as config C's figures are.
    var scaling = new (string Name, Func<IRnnModel> Create, int Batch)[]
    {
        ("lstm-T100", () => new LstmT100(seed: 1), 128),
        ("lstm-T250", () => new LstmT250(seed: 1), 128),
        ("lstm-T500", () => new ConfigC(seed: 1), 128),
        ("lstm-T1000", () => new LstmT1000(seed: 1), 128),
        ("lstm-U64", () => new LstmU64(seed: 1), 128),
        ("lstm-U128", () => new LstmU128(seed: 1), 128),
        ("lstm-U256", () => new LstmU256(seed: 1), 128),
        ("lstm-B32", () => new ConfigC(seed: 1), 32),
        ("lstm-B512", () => new ConfigC(seed: 1), 512),
    };
    foreach ((string name, Func<IRnnModel> create, int batch) in scaling)
    {
        foreach (int threads in onlyThreads is { } chosen ? [chosen] : new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            IRnnModel model = create();
            model.Threads = threads;
            Run(name, model, new RmsProp(), batch, samples: 4096, Math.Max(1, epochs), threads == 1 ? peak : peakAll, threads, epochSamples: 20_000);
        }
    }

    return;
}

if (kernels)
{
    KernelShapes.Run(peak);
    KernelShapes.RunOptimizer();
    KernelShapes.RunCells();
    return;
}

var configs = new (string Name, Func<IRnnModel> Create, Func<Optimizer> Optimizer, int Samples)[]
{
    ("A", () => new ConfigA(seed: 1), () => new Adam(), 25_000),
    ("B", () => new ConfigB(seed: 1), () => new RmsProp(), 20_000),
    ("C", () => new ConfigC(seed: 1), () => new RmsProp(), 20_000),
    ("GRU", () => new ConfigGru(seed: 1), () => new RmsProp(), 20_000),
    ("C-dropout", () => new ConfigCDropout(seed: 1), () => new RmsProp(), 20_000),
    ("GRU-reset-before", () => new ConfigGruResetBefore(seed: 1), () => new RmsProp(), 20_000),
    ("C-masked", () => new ConfigCMasked(seed: 1), () => new RmsProp(), 20_000),
    ("C-bidirectional", () => new ConfigBidirectional(seed: 1), () => new RmsProp(), 20_000),
    ("C-8-classes", () => new ConfigEightClasses(seed: 1), () => new RmsProp(), 20_000),
};

foreach ((string name, Func<IRnnModel> create, Func<Optimizer> optimizer, int samples) in configs)
{
    if (only is null || string.Equals(only, name, StringComparison.OrdinalIgnoreCase))
    {
        foreach (int threads in onlyThreads is { } chosen ? [chosen] : new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            IRnnModel model = create();
            model.Threads = threads;
            Run(name, model, optimizer(), batch: 128, samples, epochs, threads == 1 ? peak : peakAll, threads);
        }
    }
}

static void Run(string name, IRnnModel model, Optimizer optimizer, int batch, int samples, int epochs, double peak, int threads, int epochSamples = 0)
{
    ModelDescription description = model.Description;
    var random = new RnnRandom(7);
    int[] tokens = new int[samples * description.SeqLen];
    for (int i = 0; i < tokens.Length; i++)
    {
        tokens[i] = random.NextInt32(description.Vocab);
    }

    int classes = Math.Max(2, description.Classes); // 0/1 for a sigmoid head, class ids for a softmax head
    float[] labels = Enumerable.Range(0, samples).Select(i => (float)(i % classes)).ToArray();
    int steps = (samples + batch - 1) / batch;

    void Epoch()
    {
        for (int step = 0; step < steps; step++)
        {
            int first = step * batch;
            int count = Math.Min(batch, samples - first);
            model.TrainStep(tokens.AsSpan(first * description.SeqLen, count * description.SeqLen), labels.AsSpan(first, count), optimizer);
        }
    }

    // Warm-up: tiered JIT reaches its optimized code, and every batch size has its buffers.
    for (int i = 0; i < 3; i++)
    {
        model.TrainStep(tokens.AsSpan(0, batch * description.SeqLen), labels.AsSpan(0, batch), optimizer);
    }

    model.TrainStep(tokens.AsSpan(0, (samples % batch == 0 ? batch : samples % batch) * description.SeqLen), labels.AsSpan(0, samples % batch == 0 ? batch : samples % batch), optimizer);
    var epochSeconds = new List<double>();
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    for (int e = 0; e < epochs; e++)
    {
        long start = Stopwatch.GetTimestamp();
        Epoch();
        epochSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    long allocatedPerStep = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (epochs * steps);
    epochSeconds.Sort();
    double median = epochSeconds[epochSeconds.Count / 2];

    float[] probabilities = new float[batch * description.Classes]; // one per class with a softmax head
    var inference = new List<double>();
    for (int i = 0; i < 20; i++)
    {
        int first = i * batch % (samples - batch);
        long start = Stopwatch.GetTimestamp();
        model.Predict(tokens.AsSpan(first * description.SeqLen, batch * description.SeqLen), probabilities);
        inference.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    inference.Sort();
    double inferenceMedian = inference[inference.Count / 2];

    // The FLOP model: matrix products only, 2·G·H·(I + H) per sample, step and layer (each copy of a
    // Bidirectional layer counts, and reads 2H wide above the first level); training = 3 × forward. The head and a
    // masked step's carry are not counted.
    int gates = description.Cell switch { RnnCell.Lstm => 4, RnnCell.Gru => 3, _ => 1 };
    int copies = description.Bidirectional ? 2 : 1;
    double forwardFlops = 0;
    for (int layer = 0; layer < description.Layers; layer++)
    {
        int input = layer == 0 ? description.Embed : copies * description.Units;
        forwardFlops += copies * 2.0 * gates * description.Units * (input + description.Units) * description.SeqLen;
    }

    double gflops = 3 * forwardFlops * samples / median / 1e9;
    // A scaling run times a part of an epoch and states the whole one: the cost is linear in the samples.
    double scale = epochSamples == 0 ? 1 : (double)epochSamples / samples;
    Console.WriteLine(Invariant(
        $"RESULT config={name} threads={threads} batch={batch} samples={samples} epoch_s={median * scale:F2} epoch_s_min={epochSeconds[0] * scale:F2} epoch_s_max={epochSeconds[^1] * scale:F2} epochs={epochs} step_ms={median / steps * 1e3:F1} infer_sps={batch / inferenceMedian:F0} gflops={gflops:F1} peak_pct={100 * gflops / peak:F1} alloc_bytes_per_step={allocatedPerStep} peak_working_set_mb={Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} {Machine.VectorFields}"));
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
