using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Tests;

/// <summary>The pipeline caches: unrelated edits re-emit nothing, a changed shape re-emits, and no Roslyn object is held.</summary>
public class IncrementalTests
{
    private const string Model = """
        using RnnGen;

        namespace App;

        [RnnModel(Vocab = 100, Embed = 8, Units = 16, Layers = 2, SeqLen = 10)]
        public partial class Sentiment { }

        public class Unrelated { public int Value => 1; }
        """;

    [Fact]
    public void SecondRunIsCachedAndHoldsNoRoslynObjects()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results[0];
        Assert.Equal(4, first.GeneratedSources.Length);
        GeneratorHarness.AssertNoRoslynObjects(first);

        driver = driver.RunGenerators(compilation.Clone());
        GeneratorRunResult second = driver.GetRunResult().Results[0];
        AssertAllOutputs(second, TrackingNames.Parse, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(second, TrackingNames.Specs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourceOutputs(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        GeneratorHarness.AssertNoRoslynObjects(second);
    }

    [Fact]
    public void EditingAnotherTypeInTheSameFileLeavesTheOutputUnchanged()
    {
        string edited = Model.Replace("public int Value => 1;", "public int Value => 2; public string Name => \"x\";");
        GeneratorRunResult result = RunEdit(edited);
        AssertAllOutputs(result, TrackingNames.Specs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourceOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void MovingAndReformattingTheClassLeavesTheOutputUnchanged()
    {
        string edited = "// a comment that moves every line\n\n" + Model.Replace("public partial class Sentiment { }", "public partial class Sentiment\n{\n}\n");
        GeneratorRunResult result = RunEdit(edited);
        AssertAllOutputs(result, TrackingNames.Specs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourceOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void AddingAnUnrelatedFileLeavesTheOutputUnchanged()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; public class Other { }", GeneratorHarness.ParseOptions, path: "Other.cs"));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results[0];
        AssertAllOutputs(result, TrackingNames.Specs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourceOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void ChangingUnitsModifiesTheOutput()
    {
        GeneratorRunResult result = RunEdit(Model.Replace("Units = 16", "Units = 24"));
        AssertAllOutputs(result, TrackingNames.Specs, IncrementalStepRunReason.Modified);
        AssertSourceOutputs(result, IncrementalStepRunReason.Modified);
        Assert.Contains("public const int Units = 24;", result.GeneratedSources.Single(static s => s.HintName.EndsWith(".Model.g.cs", StringComparison.Ordinal)).SourceText.ToString());
    }

    [Fact]
    public void ChangingOnlyTheVocabularyReemitsTheModelButNotTheSharedKernels()
    {
        GeneratorRunResult result = RunEdit(Model.Replace("Vocab = 100", "Vocab = 200"));
        AssertAllOutputs(result, TrackingNames.Specs, IncrementalStepRunReason.Modified);
        AssertAllOutputs(result, TrackingNames.Kernels, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    /// <summary>Models that share a column count share its kernel: one kernels file per compilation, each width once.</summary>
    [Fact]
    public void TwoModelsShareOneKernelsFile()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run("""
            using RnnGen;
            namespace App;
            [RnnModel(Vocab = 100, Embed = 8, Units = 16, SeqLen = 10)] public partial class First { }
            [RnnModel(Vocab = 50, Embed = 8, Units = 16, Layers = 2, SeqLen = 4)] public partial class Second { }
            [RnnModel(Vocab = 50, Embed = 8, Units = 4, SeqLen = 4, Cell = RnnCell.Lstm)] public partial class Third { }
            """);
        Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
        SyntaxTree kernels = Assert.Single(result.GeneratedTrees, static t => t.FilePath.EndsWith("RnnGen.MatrixKernels.g.cs", StringComparison.Ordinal));
        string text = kernels.ToString();
        Assert.Equal(1, CountOf(text, "internal static void MatMul16(")); // First and Second's products, and Third's 4 × 4 gates
        Assert.Equal(1, CountOf(text, "internal static void MatMul8(")); // dx = dz·Wᵀ of all three (Embed = 8)
        Assert.DoesNotContain(result.GeneratedTrees, static t => t.FilePath.EndsWith(".Kernels.g.cs", StringComparison.Ordinal));
    }

    /// <summary>
    /// Two assemblies with models, one seeing the other's internals (a test project with InternalsVisibleTo): each has
    /// its own kernels class, and the one that sees both must still compile without a warning.
    /// </summary>
    [Fact]
    public void A_project_that_sees_another_projects_internals_and_has_models_of_its_own_compiles_cleanly()
    {
        CSharpCompilation source = GeneratorHarness.Compile("""
            using RnnGen;
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("UserAssembly")]
            namespace Lib;
            [RnnModel(Vocab = 20, Embed = 8, Units = 16, SeqLen = 4)] public partial class LibraryModel { }
            """).WithAssemblyName("Library");
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(source, out Compilation library, out _);
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        CSharpCompilation user = GeneratorHarness.Compile("""
            using RnnGen;
            namespace App;
            [RnnModel(Vocab = 20, Embed = 8, Units = 16, SeqLen = 4)] public partial class UserModel { }
            """).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(user, out Compilation output, out _);
        Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static GeneratorRunResult RunEdit(string edited)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        SyntaxTree oldTree = compilation.SyntaxTrees.Single();
        CSharpCompilation next = compilation.ReplaceSyntaxTree(oldTree, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, path: oldTree.FilePath));
        GeneratorRunResult result = driver.RunGenerators(next).GetRunResult().Results[0];
        GeneratorHarness.AssertNoRoslynObjects(result);
        return result;
    }

    private static void AssertAllOutputs(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        IncrementalGeneratorRunStep[] runs = result.TrackedSteps[step].ToArray();
        Assert.NotEmpty(runs);
        Assert.All(runs.SelectMany(static r => r.Outputs), output => Assert.Contains(output.Reason, allowed));
    }

    private static void AssertSourceOutputs(GeneratorRunResult result, params IncrementalStepRunReason[] allowed)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static r => r.Outputs).ToArray();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Contains(output.Reason, allowed));
    }
}
