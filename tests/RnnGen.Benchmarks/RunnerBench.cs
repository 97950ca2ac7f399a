// What a round of ShardRunner costs beyond its work: two shards of busy work on 2 threads, 2,000 rounds back to back
// with a 200 µs serial gap every tenth round (as between a training step's phases), median and p90 of the time over the
// work. The worker threads spin briefly before they block, so a round that follows another soon starts and ends
// without a wake-up from the kernel.
using System.Diagnostics;
using System.Globalization;
using RnnGen.Execution;

namespace RnnGen.Benchmarks;

internal static class RunnerBench
{
    public static void Run()
    {
        using var runner = new ShardRunner(2);
        foreach (double workMicroseconds in new[] { 0.0, 50, 500 })
        {
            long workTicks = (long)(workMicroseconds * Stopwatch.Frequency / 1e6);
            void Work(int shard) => Busy(workTicks);
            for (int warm = 0; warm < 200; warm++)
            {
                runner.Run(2, Work);
            }

            var overheads = new double[2000];
            for (int round = 0; round < overheads.Length; round++)
            {
                long start = Stopwatch.GetTimestamp();
                runner.Run(2, Work);
                overheads[round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds - workMicroseconds;
                if (round % 10 == 0)
                {
                    Busy(Stopwatch.Frequency / 5000);
                }
            }

            Array.Sort(overheads);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT runner threads=2 work_us={workMicroseconds:F0} overhead_p50_us={overheads[overheads.Length / 2]:F1} overhead_p90_us={overheads[overheads.Length * 9 / 10]:F1}"));
        }
    }

    private static void Busy(long ticks)
    {
        long end = Stopwatch.GetTimestamp() + ticks;
        while (Stopwatch.GetTimestamp() < end)
        {
        }
    }
}
