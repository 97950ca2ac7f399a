using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen.Data;
using RnnGen.Initialization;
using RnnGen.Text;

namespace RnnGen.Benchmarks;

/// <summary>
/// The data path at scale: generates documents of realistic length (log-normal word counts with IMDB's median of about
/// 174 words, a Zipf vocabulary of 50,000 words with punctuation and capitals), writes them as JSON Lines, then reads and
/// vectorizes them with <see cref="TextData.AdaptAndEncode"/> (two streaming passes) and reports documents/s, MB/s, the
/// peak working set and the encoded bytes per document, as RESULT lines.
/// </summary>
internal static class DataPath
{
    public static void Run(int documents, int sequenceLength, int maxTokens)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-data-bench-{documents}.jsonl");
        try
        {
            var clock = Stopwatch.StartNew();
            long bytes = Generate(path, documents);
            Console.WriteLine(FormattableString.Invariant($"# generated {documents:N0} documents, {bytes / 1e6:F0} MB, in {clock.Elapsed.TotalSeconds:F1} s"));
            long before = GC.GetTotalMemory(forceFullCollection: true);
            clock.Restart();
            (SequenceDataset data, TextVectorizer vectorizer, IReadOnlyList<string> classes) =
                TextData.AdaptAndEncode(path, () => TextData.ReadJsonLines(path), maxTokens, sequenceLength);
            double seconds = clock.Elapsed.TotalSeconds;
            long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            long encoded = ((long)data.Tokens.Length * sizeof(int)) + ((long)data.Labels.Length * sizeof(float));
            Console.WriteLine(FormattableString.Invariant(
                $"RESULT data cpu=\"{Machine.CpuModel}\" cores={Environment.ProcessorCount} documents={documents} bytes={bytes} seq_len={sequenceLength} max_tokens={maxTokens} vocabulary={vectorizer.Vocabulary.Count} classes={classes.Count} seconds={seconds:F2} docs_per_s={documents / seconds:F0} mb_per_s={bytes / 1e6 / seconds:F1} passes=2 encoded_bytes_per_doc={encoded / (double)documents:F0} retained_mb={retained / 1e6:F0} peak_working_set_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long Generate(string path, int documents)
    {
        var random = new RnnRandom(2026);
        string[] words = Enumerable.Range(0, 50_000).Select(static i => Word(i)).ToArray();
        double[] cumulative = Zipf(words.Length);
        string[] labels = ["billing", "login", "shipping", "other"];
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        var line = new StringBuilder();
        for (int d = 0; d < documents; d++)
        {
            // log-normal: median e^5.16 ≈ 174 words, σ = 0.75 puts the mean near 230 and a long tail into the thousands.
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            int count = Math.Clamp((int)Math.Exp(5.16 + (0.75 * normal)), 1, 5000);
            line.Clear().Append("{\"text\": \"");
            for (int w = 0; w < count; w++)
            {
                int rank = Array.BinarySearch(cumulative, random.NextDouble());
                string word = words[rank < 0 ? Math.Min(~rank, words.Length - 1) : rank];
                line.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                line.Append(random.NextInt32(12) == 0 ? ", " : random.NextInt32(15) == 0 ? ". " : " ");
            }

            line.Append("\", \"label\": \"").Append(labels[random.NextInt32(labels.Length)]).Append("\"}");
            writer.WriteLine(line);
        }

        writer.Flush();
        return writer.BaseStream.Length;
    }

    private static string Word(int i)
    {
        var word = new StringBuilder();
        int n = i + 1;
        while (n > 0)
        {
            word.Append((char)('a' + (n % 26)));
            n /= 26;
        }

        return word.Length < 3 ? word.Append("xq").ToString() : word.ToString();
    }

    private static double[] Zipf(int count)
    {
        double[] cumulative = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }

        for (int i = 0; i < count; i++)
        {
            cumulative[i] /= sum;
        }

        return cumulative;
    }
}
