using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Seeded random and mutated sources through the generator: attribute arguments at the extremes, every kind of type
/// declaration, keyword and generated-member names, verbatim identifiers, nesting, and code cut at a random offset.
/// For each: the generator never throws (CS8785/AD0001), no diagnostic lands inside a generated file, and a source whose
/// own code is whole and that gets no RNNG error compiles without errors. A failure names its seed so that
/// <see cref="Source"/> can replay it. Bounded: small shapes, a fixed count, and a time limit.
/// </summary>
public class GeneratorFuzzTests
{
    private const int Cases = 300;
    private static readonly TimeSpan s_budget = TimeSpan.FromMinutes(3);

    private static readonly string[] s_dimensions = ["0", "-1", "1", "2", "3", "7", "16", "33", "int.MaxValue", "int.MinValue", "1 << 20", "(int)2.5", "\"ten\"", ""];
    private static readonly string[] s_rates = ["0", "0.25", "0.5", "0.999", "1", "-0.1", "double.NaN", "1e308", "0.0f"];
    private static readonly string[] s_names = ["M", "@event", "@class", "Vocab", "Predict", "Shard", "Forward", "Model", "MatMul8", "ĀĒ", "_m", "M2"];
    private static readonly string[] s_declarations =
    [
        "public partial class {0} {{ }}",
        "partial class {0} {{ }}",
        "internal sealed partial class {0} {{ }}",
        "public abstract partial class {0} {{ }}",
        "public static partial class {0} {{ }}",
        "public class {0} {{ }}",
        "public partial class {0}<T> {{ }}",
        "partial record {0};",
        "partial record struct {0};",
        "partial struct {0} {{ }}",
        "partial interface {0} {{ }}",
        "file partial class {0} {{ }}",
        "public partial class {0} {{ public int Threads {{ get; set; }} }}",
        "public partial class {0} {{ public {0}(int seed) {{ }} }}",
        "public partial class {0} {{ private int _count = 1; public int Count => _count; }}",
    ];

    [Fact]
    public void Random_and_mutated_sources_never_break_the_generator_or_its_output()
    {
        var clock = Stopwatch.StartNew();
        int compiled = 0, refused = 0, cut = 0;
        for (int seed = 0; seed < Cases && clock.Elapsed < s_budget; seed++)
        {
            (string source, bool whole) = Source(seed);
            GeneratorDriverRunResult result;
            Compilation output;
            try
            {
                (result, output) = GeneratorHarness.Run(source);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: {e.Message}\n{source}");
            }

            Assert.True(result.Results[0].Exception is null, $"seed {seed}: the generator threw {result.Results[0].Exception}\n{source}");
            Diagnostic[] all = [.. output.GetDiagnostics(), .. result.Diagnostics];
            Diagnostic? inGenerated = all.FirstOrDefault(static d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true && d.Severity == DiagnosticSeverity.Error);
            Assert.True(inGenerated is null, $"seed {seed}: an error inside generated code: {inGenerated}\n{source}");
            Assert.DoesNotContain(all, static d => d.Id is "CS8785" or "AD0001");
            bool rnngError = result.Diagnostics.Any(static d => d.Id.StartsWith("RNNG", StringComparison.Ordinal));
            if (!whole)
            {
                cut++;
            }
            else if (rnngError)
            {
                refused++;
            }
            else
            {
                Diagnostic? error = all.FirstOrDefault(static d => d.Severity == DiagnosticSeverity.Error);
                Assert.True(error is null, $"seed {seed}: no RNNG error, but the compilation fails: {error}\n{source}");
                compiled++;
            }
        }

        // The mix must exercise both outcomes, or the generator of sources has gone wrong.
        Assert.True(compiled >= 20 && refused >= 50, $"{compiled} sources compiled, {refused} refused with RNNG errors, {cut} cut ({clock.Elapsed.TotalSeconds:F0} s)");
    }

    /// <summary>The source of one seed, and whether it is whole (not cut at a random offset).</summary>
    internal static (string Source, bool Whole) Source(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] items) => items[random.Next(items.Length)];

        var arguments = new List<string>();
        foreach (string dimension in new[] { "Vocab", "Embed", "Units", "SeqLen" })
        {
            // Mostly valid small shapes, so that many sources reach code generation; otherwise any extreme.
            string value = random.NextDouble() < 0.9 ? random.Next(1, 24).ToString(System.Globalization.CultureInfo.InvariantCulture) : Pick(s_dimensions);
            if (dimension == "Vocab" && value == "1")
            {
                value = "2";
            }

            if (value.Length > 0)
            {
                arguments.Add($"{dimension} = {value}");
            }
        }

        if (random.NextDouble() < 0.5)
        {
            arguments.Add($"Layers = {(random.NextDouble() < 0.8 ? random.Next(1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture) : Pick(s_dimensions))}");
        }

        string[] cells = ["RnnCell.SimpleRnn", "RnnCell.Lstm", "RnnCell.Gru", "(RnnCell)7"];
        string cell = Pick(cells);
        if (random.NextDouble() < 0.7)
        {
            arguments.Add($"Cell = {cell}");
        }

        foreach ((string option, string[] values) in new[]
        {
            ("Activation", new[] { "RnnActivation.Tanh", "RnnActivation.Relu", "(RnnActivation)9" }),
            ("RecurrentActivation", new[] { "RecurrentActivation.Sigmoid", "RecurrentActivation.HardSigmoid" }),
            ("ResetAfter", new[] { "true", "false" }),
            ("UnitForgetBias", new[] { "true", "false" }),
            ("Unroll", new[] { "true", "false" }),
            ("Dropout", s_rates),
            ("RecurrentDropout", s_rates),
        })
        {
            if (random.NextDouble() < 0.1)
            {
                arguments.Add($"{option} = {Pick(values)}");
            }
        }

        // Half the sources declare a plain model class, so that enough of them reach code generation.
        bool plain = random.NextDouble() < 0.5;
        string name = plain ? "M" : Pick(s_names);
        string declaration = string.Format(System.Globalization.CultureInfo.InvariantCulture, plain ? s_declarations[0] : Pick(s_declarations), name);
        string attribute = random.NextDouble() < 0.05 ? "[RnnModel]" : $"[RnnModel({string.Join(", ", arguments.OrderBy(_ => random.Next()))})]";
        if (random.NextDouble() < 0.05)
        {
            attribute += attribute; // applied twice
        }

        string type = $"{attribute}\n{declaration}";
        string body = (plain ? random.Next(3) : random.Next(4)) switch
        {
            0 => type,
            1 => $"namespace App.Models;\n{type}",
            2 => $"namespace @if.@namespace {{\npartial class Outer {{\n{type}\n}}\n}}",
            _ => $"namespace App {{\npublic class NotPartial {{\n{type}\n}}\n}}",
        };
        var source = new StringBuilder("using RnnGen;\n").Append(body).Append('\n').ToString();
        if (random.NextDouble() < 0.25)
        {
            return (source[..random.Next(source.Length)], false);
        }

        return (source, true);
    }
}
