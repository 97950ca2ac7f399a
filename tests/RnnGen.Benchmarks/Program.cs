// Benchmark harness: whole training steps and inference batches of generated models on random token ids, timed with
// a Stopwatch over several repetitions after a warm-up. One machine-readable RESULT line per figure.
// Usage: dotnet run -c Release --project tests/RnnGen.Benchmarks [-- --steps N --config A|B]
using System.Diagnostics;
using System.Globalization;
using RnnGen;
using RnnGen.Benchmarks;

int steps = 30;
string? only = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--steps")
    {
        steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--config")
    {
        only = args[i + 1];
    }
}

Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");
if (only is null or "A")
{
    Run("A", new ConfigA(seed: 1), new Adam(), batch: 128, samplesPerEpoch: 25_000, steps);
}

if (only is null or "B")
{
    Run("B", new ConfigB(seed: 1), new RmsProp(), batch: 128, samplesPerEpoch: 20_000, steps);
}

static void Run(string name, IRnnModel model, Optimizer optimizer, int batch, int samplesPerEpoch, int steps)
{
    ModelDescription description = model.Description;
    var random = new RnnRandom(7);
    int[] tokens = new int[batch * description.SeqLen];
    for (int i = 0; i < tokens.Length; i++)
    {
        tokens[i] = random.NextInt32(description.Vocab);
    }

    float[] labels = Enumerable.Range(0, batch).Select(static i => (float)(i % 2)).ToArray();
    for (int i = 0; i < 5; i++)
    {
        model.TrainStep(tokens, labels, optimizer);
    }

    var stepSeconds = new List<double>();
    long allocated = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < steps; i++)
    {
        long start = Stopwatch.GetTimestamp();
        model.TrainStep(tokens, labels, optimizer);
        stepSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    stepSeconds.Sort();
    double median = stepSeconds[stepSeconds.Count / 2];
    double stepsPerEpoch = Math.Ceiling(samplesPerEpoch / (double)batch);

    float[] probabilities = new float[batch];
    var inferSeconds = new List<double>();
    for (int i = 0; i < steps; i++)
    {
        long start = Stopwatch.GetTimestamp();
        model.Predict(tokens, probabilities);
        inferSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    inferSeconds.Sort();
    double inferMedian = inferSeconds[inferSeconds.Count / 2];

    // FLOP model of the benchmark issue: matrix products only, 2·G·H·(I + H) per sample, step and layer; training = 3 × forward.
    double flopsPerSample = 0;
    for (int layer = 0; layer < description.Layers; layer++)
    {
        int input = layer == 0 ? description.Embed : description.Units;
        flopsPerSample += 2.0 * description.Units * (input + description.Units) * description.SeqLen;
    }

    double gflops = 3 * flopsPerSample * batch / median / 1e9;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT config={name} threads=1 batch={batch} step_ms={median * 1e3:F2} step_ms_min={stepSeconds[0] * 1e3:F2} step_ms_max={stepSeconds[^1] * 1e3:F2} steps_per_s={1 / median:F1} epoch_s={median * stepsPerEpoch:F2} infer_sps={batch / inferMedian:F0} gflops={gflops:F1} alloc_bytes_per_step={allocated / steps}"));
}
