// A bounded load generator for the sample's serve command: a fixed number of connections, each sending its next request
// when the previous answer is in, for a fixed time; then requests per second, latency percentiles, errors, and the
// service's memory (its /health) before and after. On a 2-core machine the generator shares the CPU with the service.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace RnnGen.Benchmarks;

internal static class LoadBench
{
    private static readonly string[] s_sentences =
    [
        "This movie was wonderful, the acting was superb and I loved every minute of it.",
        "The worst film I have seen in years; the plot makes no sense and the dialogue is painful.",
        "A slow start, but the second half is moving and the ending is beautiful.",
        "I wanted to like it, yet the characters are flat and the jokes fall apart.",
        "Brilliant direction, a great score and a cast that gives everything.",
        "Boring, predictable and far too long. Avoid it.",
    ];

    public static void Run(Uri service, double seconds, int connections)
    {
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(30) };
        var random = new Random(1);
        // Reviews of 5 to 40 sentences (about 80 to 700 words), a spread like IMDB's.
        string[] reviews = [.. Enumerable.Range(0, 64).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(5, 40)).Select(_ => s_sentences[random.Next(s_sentences.Length)])))];
        (long before, long heapBefore) = Memory(http);

        for (int i = 0; i < 50; i++)
        {
            Send(http, reviews[i % reviews.Length]).GetAwaiter().GetResult(); // warm-up: replicas exist, code is hot
        }

        var latencies = new List<double>[connections];
        int errors = 0;
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long start = Stopwatch.GetTimestamp();
        Task[] workers = [.. Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = [];
            int next = worker;
            while (Stopwatch.GetTimestamp() < end)
            {
                long sent = Stopwatch.GetTimestamp();
                bool ok = await Send(http, reviews[next++ % reviews.Length]);
                mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }))];
        Task.WaitAll(workers);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        List<double> all = [.. latencies.SelectMany(static l => l)];
        all.Sort();
        (long after, long heapAfter) = Memory(http);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT load url={service} connections={connections} seconds={elapsed:F1} requests={all.Count} rps={all.Count / elapsed:F0} p50_ms={all[all.Count / 2]:F2} p99_ms={all[(int)(all.Count * 0.99)]:F2} max_ms={all[^1]:F2} errors={errors} service_working_set_mb={before}->{after} service_heap_mb={heapBefore}->{heapAfter}"));
    }

    private static async Task<bool> Send(HttpClient http, string text)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync("/predict", new Dictionary<string, string> { ["text"] = text });
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    private static (long WorkingSetMb, long HeapMb) Memory(HttpClient http)
    {
        using JsonDocument health = JsonDocument.Parse(http.GetStringAsync("/health").GetAwaiter().GetResult());
        return (health.RootElement.GetProperty("working_set_mb").GetInt64(), health.RootElement.GetProperty("managed_heap_mb").GetInt64());
    }
}
