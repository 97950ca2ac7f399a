using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>Half-typed and malformed code never makes the generator throw (an exception would surface as CS8785).</summary>
public class RobustnessTests
{
    public static TheoryData<string> Sources => new()
    {
        "[RnnModel(",
        "[RnnModel(Vocab = ",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial class",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial class M<",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial class M : { }",
        "[RnnModel(Vocab = \"ten\", Embed = 4, Units = 4, SeqLen = 3)] partial class M { }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3, Unknown = 5)] partial class M { }",
        "[RnnModel(10, 4, 4)] partial class M { }",
        "[RnnModel(Vocab = int.MaxValue, Embed = int.MaxValue, Units = int.MaxValue, Layers = int.MaxValue, SeqLen = int.MaxValue)] partial class M { }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3, Cell = )] partial class M { }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial struct S { }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial record R;",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial interface I { }",
        "class C { [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] void M() { } }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] abstract partial class A { }",
        "partial class O { partial struct S { [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial class M { } } }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] partial class @class { }",
        "[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)]",
        "[RnnModel(Vocab = 10 / 0, Embed = 4, Units = 4, SeqLen = 3)] partial class M { }",
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void GeneratorNeverThrows(string source)
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run("using RnnGen;\n" + source);
        Assert.Null(result.Results[0].Exception);
        Assert.DoesNotContain(result.Diagnostics, static d => d.Id is "CS8785" or "AD0001");
    }

    /// <summary>
    /// Generated code grows only mildly with the shapes: kernels loop over column panels past a few of them, so Units = 10000
    /// (53.6 MB before, whose compilation exhausted a 4 GiB heap) or Embed = 46341 (249 MB) emit about what Units = 64 does,
    /// and compile.
    /// </summary>
    [Theory]
    [InlineData("Vocab = 50, Embed = 8, Units = 10000, SeqLen = 10")]
    [InlineData("Vocab = 50, Embed = 46341, Units = 4, SeqLen = 10, Cell = RnnCell.Lstm")]
    [InlineData("Vocab = 50, Embed = 8, Units = 1000, SeqLen = 10, Cell = RnnCell.Gru")]
    public void Generated_code_stays_small_for_wide_shapes_and_compiles(string arguments)
    {
        static long Characters(GeneratorDriverRunResult result) => result.GeneratedTrees.Sum(static t => (long)t.Length);
        (GeneratorDriverRunResult baseline, _) = GeneratorHarness.Run("using RnnGen; [RnnModel(Vocab = 50, Embed = 8, Units = 64, SeqLen = 10)] partial class M { }");
        (GeneratorDriverRunResult wide, Compilation output) = GeneratorHarness.Run($"using RnnGen; [RnnModel({arguments})] partial class M {{ }}");

        Assert.Empty(wide.Diagnostics);
        Assert.True(Characters(wide) < 2 * Characters(baseline), $"{Characters(wide):N0} characters generated, against {Characters(baseline):N0} for Units = 64");
        Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>Keywords as names, written with '@': the hint names drop the '@' (was CS8785), the code keeps it (was "partial class event").</summary>
    [Fact]
    public void VerbatimIdentifiersAsNamespaceContainingTypeAndClassCompile()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            "using RnnGen; namespace @if.@namespace { partial class @struct { [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public partial class @event { } } }");
        Assert.Null(result.Results[0].Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics());
        Assert.Contains(result.GeneratedTrees, static t => t.FilePath.EndsWith("if.namespace.struct.event.Model.g.cs", StringComparison.Ordinal));
        string model = result.GeneratedTrees.Single(static t => t.FilePath.EndsWith("event.Model.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("partial class @event : global::RnnGen.IRnnModel", model, StringComparison.Ordinal);
        Assert.Contains("Model: \\\"event\\\"", model, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedInAPartialStructCompiles()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            "using RnnGen; namespace A.B; partial record struct Outer { partial class Mid { [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] internal partial class M { } } }");
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics());
        Assert.Contains(result.GeneratedTrees, static t => t.FilePath.EndsWith("A.B.Outer.Mid.M.Model.g.cs", StringComparison.Ordinal));
    }
}
