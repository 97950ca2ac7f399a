// `--kernels`: the generated matrix kernels alone, at the shapes one shard (64 rows) of config A and config C calls them
// with, so a profile's "MatMul64 is 55% of the step" can be split into which product runs how close to the FMA peak.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Benchmarks;

internal static class KernelShapes
{
    private delegate void MatMul(int rows, int steps, ref float a, nint aRowStride, nint aStepStride, ref float b, nint bRowStride, ref float init, nint initRowStride, ref float c, nint cRowStride);

    public static void Run(double peak)
    {
        const int Rows = 64; // one shard
        int chunkRows = RnnGen.Kernels.MatrixOps.StepsPerChunk(Rows * 4 * 32) * Rows; // the steps of C's forward chunks
        int backwardChunkRows = RnnGen.Kernels.MatrixOps.StepsPerBackwardChunk(Rows * 4 * 32) * Rows; // and backward chunks
        // (name, model, columns, rows, steps, aRowStride, aStepStride, initRowStride): init = c (accumulate) unless 0.
        var shapes = new (string Name, Type Model, int Columns, int Rows, int Steps, int ARowStride, int AStepStride, int InitRowStride)[]
        {
            ("A x·W layer 0 (all steps)", typeof(ConfigA), 64, 80 * Rows, 100, 100, 1, 0),
            ("A h·U (one step)", typeof(ConfigA), 64, Rows, 64, 64, 1, 64),
            ("A da·Uᵀ (one step)", typeof(ConfigA), 64, Rows, 64, 64, 1, 64),
            ("A dU += hᵀ·da (256 steps)", typeof(ConfigA), 64, 64, 256, 1, 64, 64),
            ("A dW += xᵀ·da (256 steps)", typeof(ConfigA), 64, 100, 256, 1, 100, 64),
            ("A dx = da·Wᵀ (all steps)", typeof(ConfigA), 100, 80 * Rows, 64, 64, 1, 0),
            ("C x·W (all steps)", typeof(ConfigC), 128, 500 * Rows, 32, 32, 1, 0),
            ("C x·W (one chunk of steps)", typeof(ConfigC), 128, chunkRows, 32, 32, 1, 0),
            ("C h·U (one step)", typeof(ConfigC), 128, Rows, 32, 32, 1, 128),
            ("C dz·Uᵀ (one step)", typeof(ConfigC), 32, Rows, 128, 128, 1, 32),
            ("C dU += hᵀ·dz (256 steps)", typeof(ConfigC), 128, 32, 256, 1, 32, 128),
            ("C dx = dz·Wᵀ (all steps)", typeof(ConfigC), 32, 500 * Rows, 128, 128, 1, 0),
            ("C dx = dz·Wᵀ (one chunk)", typeof(ConfigC), 32, backwardChunkRows, 128, 128, 1, 0),
        };
        foreach (var shape in shapes)
        {
            // The kernels of every model of this assembly live in one generated class; shape.Model names whose shape it is.
            MatMul kernel = typeof(RnnGen.Generated.MatrixKernels_RnnGen_Benchmarks).GetMethod($"MatMul{shape.Columns}", BindingFlags.NonPublic | BindingFlags.Static)!.CreateDelegate<MatMul>();
            int aLength = ((shape.Rows - 1) * shape.ARowStride) + ((shape.Steps - 1) * shape.AStepStride) + 1;
            float[] a = Filled(aLength);
            float[] b = Filled(shape.Steps * shape.Columns);
            float[] c = Filled(shape.Rows * shape.Columns);
            float[] init = shape.InitRowStride == 0 ? Filled(shape.Columns) : c;
            // A kernel's first calls run unoptimized (tier-0) code, and a long loop then runs on-stack-replaced code: timed
            // cold, the first shape of each kernel read 7.5% of peak where the same kernel ran at 94%. So each is called on
            // a few rows until the JIT's optimized version (compiled in the background) is in place.
            for (int warm = 0; warm < 3; warm++)
            {
                for (int call = 0; call < 100; call++)
                {
                    kernel(Math.Min(shape.Rows, 6), shape.Steps, ref a[0], shape.ARowStride, shape.AStepStride, ref b[0], shape.Columns, ref init[0], shape.InitRowStride, ref c[0], shape.Columns);
                }

                Thread.Sleep(150);
            }

            double flops = 2.0 * shape.Rows * shape.Steps * shape.Columns;
            int repeats = Math.Max(1, (int)(2e9 / flops)); // about 2 GFLOP per timing
            double best = double.MaxValue;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int r = 0; r < repeats; r++)
                {
                    kernel(shape.Rows, shape.Steps, ref a[0], shape.ARowStride, shape.AStepStride, ref b[0], shape.Columns, ref init[0], shape.InitRowStride, ref c[0], shape.Columns);
                }

                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / repeats);
            }

            double gflops = flops / best / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KERNEL {shape.Name,-28} MatMul{shape.Columns,-3} {shape.Rows,5}x{shape.Steps,-3} {best * 1e6,9:F1} us {gflops,6:F1} GFLOP/s {100 * gflops / peak,5:F1}% of peak {Machine.VectorFields}"));
        }
    }

    /// <summary>One Adam step over config A's 1,018,881 parameters: the single-threaded pass against the ranges on 2 threads.</summary>
    public static void RunOptimizer()
    {
        const int Parameters = 1_018_881;
        float[] parameters = Filled(Parameters);
        float[] gradients = Filled(Parameters);
        var single = new Adam();
        var split = new Adam();
        using var runner = new ShardRunner(threads: Environment.ProcessorCount);
        double one = Best(() => single.Step(parameters.AsSpan(), gradients), warmUpCalls: 0, callsPerTiming: 1);
        double threaded = Best(() => split.Step(parameters, gradients, runner), warmUpCalls: 0, callsPerTiming: 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KERNEL Adam step, {Parameters:N0} floats: {one * 1e6:F0} us on 1 thread, {threaded * 1e6:F0} us in ranges on {runner.Threads} ({one / threaded:F2}x) {Machine.VectorFields}"));
    }

    /// <summary>
    /// The elementwise cell steps of one shard (64 rows × 32 units), timed in the steady state: 20,000 warm-up calls first,
    /// so the figure is the final JIT tier's. (A best-of timing from the first calls can hide a final tier that is slower
    /// than the earlier ones; the LSTM forward step once went from 3 µs to 16-23 µs when it tiered up.)
    /// </summary>
    public static void RunCells()
    {
        const int Rows = 64, Units = 32;
        var random = new RnnRandom(7);
        float[] Uniform(int length, float scale) => UniformValues(random, length, scale);

        // Pre-activations in (−3, 3), states in (−1, 1), gradients in (−0.1, 0.1): the ranges a training run sees.
        float[] pristine = Uniform(Rows * 4 * Units, 3), gates = new float[pristine.Length], previous = Uniform(Rows * Units, 1);
        float[] cell = new float[Rows * Units], cellTanh = new float[Rows * Units], hidden = new float[Rows * Units];
        float[] dHidden = Uniform(Rows * Units, 0.1f), dCellStart = Uniform(Rows * Units, 0.1f), dCell = new float[Rows * Units], dGates = new float[pristine.Length];
        float[] gruPristine = Uniform(Rows * 3 * Units, 3), gruGates = new float[gruPristine.Length], recurrent = Uniform(Rows * 3 * Units, 1);
        float[] dGruGates = new float[gruPristine.Length], dRecurrent = new float[gruPristine.Length], dPrevious = new float[Rows * Units];
        pristine.CopyTo(gates, 0);
        RnnGen.Kernels.CellKernels.LstmForward(gates, previous, cell, cellTanh, hidden, Units, hardSigmoid: false);
        gruPristine.CopyTo(gruGates, 0);
        RnnGen.Kernels.CellKernels.GruResetAfterForward(gruGates, recurrent, previous, hidden, Units, hardSigmoid: false);
        // Each forward step overwrites its gates, so each timing restores them first and subtracts that copy alone.
        double lstmCopy = SteadyState(() => pristine.CopyTo(gates, 0));
        double gruCopy = SteadyState(() => gruPristine.CopyTo(gruGates, 0));
        var timings = new (string Name, double Seconds)[]
        {
            ("LSTM forward (3 σ + 2 tanh)", SteadyState(() =>
            {
                pristine.CopyTo(gates, 0);
                RnnGen.Kernels.CellKernels.LstmForward(gates, previous, cell, cellTanh, hidden, Units, hardSigmoid: false);
            }) - lstmCopy),
            ("LSTM backward", SteadyState(() =>
            {
                dCellStart.CopyTo(dCell, 0);
                RnnGen.Kernels.CellKernels.LstmBackward(gates, previous, cellTanh, dHidden, dCell, dGates, Units, hardSigmoid: false);
            })),
            ("GRU forward (2 σ + tanh)", SteadyState(() =>
            {
                gruPristine.CopyTo(gruGates, 0);
                RnnGen.Kernels.CellKernels.GruResetAfterForward(gruGates, recurrent, previous, hidden, Units, hardSigmoid: false);
            }) - gruCopy),
            ("GRU backward", SteadyState(() =>
                RnnGen.Kernels.CellKernels.GruResetAfterBackward(gruGates, recurrent, previous, dHidden, dGruGates, dRecurrent, dPrevious, Units, hardSigmoid: false))),
        };
        foreach ((string name, double seconds) in timings)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KERNEL cell {name,-28} {Rows}x{Units}: {seconds * 1e6,5:F2} us ({seconds * 1e9 / (Rows * Units):F2} ns per unit) {Machine.VectorFields}"));
        }

        float[] values = Filled(Rows * Units * 5);
        double tanh = SteadyState(() => RnnGen.Kernels.Activations.TanhInPlace(values));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KERNEL FastMath tanh over {values.Length} floats: {tanh * 1e9 / values.Length:F2} ns per value {Machine.VectorFields}"));
    }

    /// <summary>Seconds per call of <paramref name="work"/> after 20,000 warm-up calls: the best of 200 timings of 10 calls.</summary>
    private static double SteadyState(Action work) => Best(work, warmUpCalls: 20_000, callsPerTiming: 10);

    /// <summary>Seconds per call of <paramref name="work"/>: the best of 200 timings of <paramref name="callsPerTiming"/> calls, after <paramref name="warmUpCalls"/>.</summary>
    private static double Best(Action work, int warmUpCalls, int callsPerTiming)
    {
        for (int i = 0; i < warmUpCalls; i++)
        {
            work();
        }

        double best = double.MaxValue;
        for (int attempt = 0; attempt < 200; attempt++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < callsPerTiming; r++)
            {
                work();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / callsPerTiming);
        }

        return best;
    }

    /// <summary>Small values in (−5e-4, 5e-4), seeded by the length.</summary>
    private static float[] Filled(int length) => UniformValues(new RnnRandom(length), length, 5e-4f);

    /// <summary><paramref name="length"/> draws from (−<paramref name="scale"/>, <paramref name="scale"/>).</summary>
    private static float[] UniformValues(RnnRandom random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = ((2 * random.NextSingle()) - 1) * scale;
        }

        return values;
    }
}
