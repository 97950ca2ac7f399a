// The FMA ceiling of one core, measured rather than assumed: 12 independent accumulator chains of the widest
// accelerated vector (enough to cover FMA latency × issue width on current x64 and Arm cores), no memory traffic.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks;

internal static class FmaPeak
{
    /// <summary>The best of five runs, on <paramref name="threads"/> threads at once (their sum).</summary>
    public static double MeasureGflops(int threads = 1)
    {
        double best = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            double[] results = new double[threads];
            Thread[] workers = Enumerable.Range(0, threads)
                .Select(i => new Thread(() => results[i] = Vector512.IsHardwareAccelerated ? Run512(20_000_000) : Run256(20_000_000)))
                .ToArray();
            foreach (Thread worker in workers)
            {
                worker.Start();
            }

            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            best = Math.Max(best, results.Sum());
        }

        return best;
    }

    private static double Run256(int iterations)
    {
        long start = Stopwatch.GetTimestamp();
        Vector256<float> sum = Chains256(iterations);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Sink(sum);
        return 12.0 * 2 * Vector256<float>.Count * iterations / seconds / 1e9;
    }

    // Fully optimized from the first call (a long loop would otherwise run as on-stack-replaced tier-0 code), and free of
    // calls, so that the twelve accumulators stay in registers.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Chains256(int iterations)
    {
        Vector256<float> a = Vector256.Create(1.000001f), b = Vector256.Create(0.999999f);
        Vector256<float> c0 = Vector256.Create(0.10f), c1 = Vector256.Create(0.11f), c2 = Vector256.Create(0.12f), c3 = Vector256.Create(0.13f);
        Vector256<float> c4 = Vector256.Create(0.14f), c5 = Vector256.Create(0.15f), c6 = Vector256.Create(0.16f), c7 = Vector256.Create(0.17f);
        Vector256<float> c8 = Vector256.Create(0.18f), c9 = Vector256.Create(0.19f), c10 = Vector256.Create(0.20f), c11 = Vector256.Create(0.21f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(a, c0, b); c1 = Vector256.FusedMultiplyAdd(a, c1, b); c2 = Vector256.FusedMultiplyAdd(a, c2, b);
            c3 = Vector256.FusedMultiplyAdd(a, c3, b); c4 = Vector256.FusedMultiplyAdd(a, c4, b); c5 = Vector256.FusedMultiplyAdd(a, c5, b);
            c6 = Vector256.FusedMultiplyAdd(a, c6, b); c7 = Vector256.FusedMultiplyAdd(a, c7, b); c8 = Vector256.FusedMultiplyAdd(a, c8, b);
            c9 = Vector256.FusedMultiplyAdd(a, c9, b); c10 = Vector256.FusedMultiplyAdd(a, c10, b); c11 = Vector256.FusedMultiplyAdd(a, c11, b);
        }

        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }

    private static double Run512(int iterations)
    {
        long start = Stopwatch.GetTimestamp();
        Vector512<float> sum = Chains512(iterations);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Sink(sum);
        return 12.0 * 2 * Vector512<float>.Count * iterations / seconds / 1e9;
    }

    // Fully optimized from the first call (a long loop would otherwise run as on-stack-replaced tier-0 code), and free of
    // calls, so that the twelve accumulators stay in registers.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Chains512(int iterations)
    {
        Vector512<float> a = Vector512.Create(1.000001f), b = Vector512.Create(0.999999f);
        Vector512<float> c0 = Vector512.Create(0.10f), c1 = Vector512.Create(0.11f), c2 = Vector512.Create(0.12f), c3 = Vector512.Create(0.13f);
        Vector512<float> c4 = Vector512.Create(0.14f), c5 = Vector512.Create(0.15f), c6 = Vector512.Create(0.16f), c7 = Vector512.Create(0.17f);
        Vector512<float> c8 = Vector512.Create(0.18f), c9 = Vector512.Create(0.19f), c10 = Vector512.Create(0.20f), c11 = Vector512.Create(0.21f);
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(a, c0, b); c1 = Vector512.FusedMultiplyAdd(a, c1, b); c2 = Vector512.FusedMultiplyAdd(a, c2, b);
            c3 = Vector512.FusedMultiplyAdd(a, c3, b); c4 = Vector512.FusedMultiplyAdd(a, c4, b); c5 = Vector512.FusedMultiplyAdd(a, c5, b);
            c6 = Vector512.FusedMultiplyAdd(a, c6, b); c7 = Vector512.FusedMultiplyAdd(a, c7, b); c8 = Vector512.FusedMultiplyAdd(a, c8, b);
            c9 = Vector512.FusedMultiplyAdd(a, c9, b); c10 = Vector512.FusedMultiplyAdd(a, c10, b); c11 = Vector512.FusedMultiplyAdd(a, c11, b);
        }

        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sink<T>(T value) => GC.KeepAlive(value);
}
