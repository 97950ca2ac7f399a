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
