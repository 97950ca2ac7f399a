using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>One test per diagnostic id, each checking the id, the location and the message; plus the clean path.</summary>
public class DiagnosticTests
{
    [Fact]
    public void ValidModelCompilesWithoutAnyDiagnostic()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run("""
            using RnnGen;
            namespace App;
            [RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
            public partial class ImdbSentiment { }
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics());
    }

    [Fact]
    public void RNNG0001_ClassNotPartial()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public class NotPartial { }", "RNNG0001");
        Assert.Equal("NotPartial", Text(diagnostic));
        Assert.Contains("'NotPartial' must be declared partial", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void RNNG0018_ClassesNotPositive(int classes)
    {
        Diagnostic diagnostic = Single($"[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3, Classes = {classes})] public partial class Heads {{ }}", "RNNG0018");
        Assert.Equal($"Classes = {classes}", Text(diagnostic));
        Assert.Contains($"Classes is {classes}; use 1 for a sigmoid head", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_of_many_classes_counts_against_the_parameter_budget()
    {
        // (Units + 1)·Classes = 1001·300,000 > 2^28, though each dimension is small.
        Single("[RnnModel(Vocab = 10, Embed = 4, Units = 1000, SeqLen = 3, Classes = 300000)] public partial class Wide { }", "RNNG0006");
    }

    [Fact]
    public void RNNG0001_ContainingTypeNotPartial()
    {
        Diagnostic diagnostic = Single("public class Outer { [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public partial class Inner { } }", "RNNG0001");
        Assert.Equal("Outer", Text(diagnostic));
    }

    [Fact]
    public void RNNG0002_GenericClass()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public partial class Generic<T> { }", "RNNG0002");
        Assert.Equal("Generic", Text(diagnostic));
    }

    [Fact]
    public void RNNG0002_NestedInAGenericType()
    {
        Diagnostic diagnostic = Single("public partial class Outer<T> { [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public partial class Inner { } }", "RNNG0002");
        Assert.Equal("Inner", Text(diagnostic));
    }

    [Theory]
    [InlineData("Vocab = 0, Embed = 4, Units = 4, SeqLen = 3", "Vocab = 0", "Vocab must be a positive number, but it is 0")]
    [InlineData("Vocab = 10, Embed = -2, Units = 4, SeqLen = 3", "Embed = -2", "Embed must be a positive number, but it is -2")]
    [InlineData("Vocab = 10, Embed = 4, Units = 0, SeqLen = 3", "Units = 0", "Units must be a positive number, but it is 0")]
    [InlineData("Vocab = 10, Embed = 4, Units = 4, Layers = 0, SeqLen = 3", "Layers = 0", "Layers must be a positive number, but it is 0")]
    [InlineData("Vocab = 10, Embed = 4, Units = 4, SeqLen = -1", "SeqLen = -1", "SeqLen must be a positive number, but it is -1")]
    public void RNNG0003_DimensionNotPositive(string arguments, string location, string message)
    {
        Diagnostic diagnostic = Single($"[RnnModel({arguments})] public partial class M {{ }}", "RNNG0003");
        Assert.Equal(location, Text(diagnostic));
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void RNNG0003_MissingDimensionPointsAtTheAttribute()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, SeqLen = 3)] public partial class M { }", "RNNG0003");
        Assert.Equal("RnnModel(Vocab = 10, Embed = 4, SeqLen = 3)", Text(diagnostic));
        Assert.Equal("Units must be a positive number, but it is 0", diagnostic.GetMessage());
    }

    [Fact]
    public void RNNG0004_VocabTooSmall()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 1, Embed = 4, Units = 4, SeqLen = 3)] public partial class M { }", "RNNG0004");
        Assert.Equal("Vocab = 1", Text(diagnostic));
    }

    [Fact]
    public void RNNG0005_TooManyLayers()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4, Layers = 9, SeqLen = 3)] public partial class M { }", "RNNG0005");
        Assert.Equal("Layers = 9", Text(diagnostic));
        Assert.Contains("at most 8", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Vocab = 2000000000, Embed = 2, Units = 4, SeqLen = 3", "does not fit in one array")]
    [InlineData("Vocab = 3000000, Embed = 100, Units = 4, SeqLen = 3", "more than 1 GiB")]
    public void RNNG0006_TooManyParameters(string arguments, string reason)
    {
        Diagnostic diagnostic = Single($"[RnnModel({arguments})] public partial class M {{ }}", "RNNG0006");
        Assert.Equal($"RnnModel({arguments})", Text(diagnostic));
        Assert.Contains(reason, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RNNG0006_counts_both_copies_of_a_Bidirectional_level()
    {
        // 201,429,033 parameters in one direction; a backward copy per level and 2u-wide upper inputs make 537,075,753.
        const string Shape = "Vocab = 10, Embed = 4, Units = 4096, Layers = 2, SeqLen = 3, Cell = RnnCell.Lstm";
        (GeneratorDriverRunResult oneDirection, _) = GeneratorHarness.Run($"using RnnGen;\n[RnnModel({Shape})] public partial class M {{ }}");
        Assert.Empty(oneDirection.Diagnostics);
        Diagnostic diagnostic = Single($"[RnnModel({Shape}, Bidirectional = true)] public partial class M {{ }}", "RNNG0006");
        Assert.Contains("537,075,753", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cell = (RnnCell)7", "Cell = 7 is not a defined RnnCell value")]
    [InlineData("Activation = (RnnActivation)(-1)", "Activation = -1 is not a defined RnnActivation value")]
    public void RNNG0007_UndefinedEnumValue(string argument, string message)
    {
        Diagnostic diagnostic = Single($"[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3, {argument})] public partial class M {{ }}", "RNNG0007");
        Assert.Equal(argument, Text(diagnostic));
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void RNNG0008_AttributeTwice()
    {
        Diagnostic[] diagnostics = Generated("""
            [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)]
            [RnnModel(Vocab = 20, Embed = 4, Units = 4, SeqLen = 3)]
            public partial class Twice { }
            """);
        Diagnostic diagnostic = Assert.Single(diagnostics, static d => d.Id == "RNNG0008");
        Assert.Equal("RnnModel(Vocab = 20, Embed = 4, Units = 4, SeqLen = 3)", Text(diagnostic));
    }

    [Fact]
    public void RNNG0009_StaticClass()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public static partial class Static { }", "RNNG0009");
        Assert.Equal("Static", Text(diagnostic));
    }

    [Fact]
    public void RNNG0010_UnrollTooLong()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 300, Unroll = true)] public partial class M { }", "RNNG0010");
        Assert.Equal("Unroll = true", Text(diagnostic));
    }

    [Fact]
    public void RNNG0011_SequenceTooLarge()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4096, SeqLen = 5000)] public partial class M { }", "RNNG0011");
        Assert.Equal("SeqLen = 5000", Text(diagnostic));
    }

    [Theory]
    [InlineData("Dropout = 1.0", "Dropout is 1, but a dropout rate must be in [0, 1)")]
    [InlineData("RecurrentDropout = -0.1", "RecurrentDropout is -0.1, but a dropout rate must be in [0, 1)")]
    [InlineData("Dropout = double.NaN", "Dropout is NaN, but a dropout rate must be in [0, 1)")]
    public void RNNG0012_DropoutOutOfRange(string argument, string message)
    {
        Diagnostic diagnostic = Single($"[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3, Cell = RnnCell.Lstm, {argument})] public partial class M {{ }}", "RNNG0012");
        Assert.Equal(argument, Text(diagnostic));
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Cell = RnnCell.Lstm, ResetAfter = false", "ResetAfter = false", "ResetAfter does not apply to LSTM layers; it applies to GRU")]
    [InlineData("Cell = RnnCell.Gru, UnitForgetBias = false", "UnitForgetBias = false", "UnitForgetBias does not apply to GRU layers; it applies to LSTM")]
    [InlineData("RecurrentActivation = RecurrentActivation.HardSigmoid", "RecurrentActivation = RecurrentActivation.HardSigmoid", "RecurrentActivation does not apply to SimpleRNN layers; it applies to LSTM and GRU")]
    [InlineData("Cell = RnnCell.Gru, Activation = RnnActivation.Relu", "Activation = RnnActivation.Relu", "Activation does not apply to GRU layers; it applies to SimpleRNN (LSTM and GRU use tanh)")]
    public void RNNG0013_OptionNotForCell(string arguments, string location, string message)
    {
        Diagnostic diagnostic = Single($"[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3, {arguments})] public partial class M {{ }}", "RNNG0013");
        Assert.Equal(location, Text(diagnostic));
        Assert.Equal(message, diagnostic.GetMessage());
    }

    private static string s_source = string.Empty;

    /// <summary>
    /// Every name the emitters declare in a model class, as the class's own name: RNNG0014 or a clean compile, never an
    /// error inside a generated file (CS0542 before). The issue's names must be refused.
    /// </summary>
    [Theory]
    [InlineData("Vocab", true)]
    [InlineData("SeqLen", true)]
    [InlineData("Predict", true)]
    [InlineData("Parameters", true)]
    [InlineData("Description", true)]
    [InlineData("Shard", true)]
    [InlineData("Threads", true)]
    [InlineData("Summary", true)]
    [InlineData("ParameterCount", true)]
    [InlineData("SimpleRnnKernel", true)]
    [InlineData("DenseBiasOffset", true)]
    [InlineData("MatMul4", true)]
    [InlineData("MatMul12Vector256", true)]
    [InlineData("AddTransposedProduct4", true)]
    [InlineData("Slice", true)]
    [InlineData("RowsPerShard", false)] // the shard split lives in the runtime (ShardPlan) since issue 11
    [InlineData("Forward", false)]
    [InlineData("Backward", false)]
    [InlineData("Model", false)]
    public void RNNG0014_ClassNamedLikeAGeneratedMember(string name, bool refused)
    {
        string source = $"using RnnGen;\nnamespace App;\n[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public partial class {name} {{ }}";
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(source);
        if (refused)
        {
            Diagnostic diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("RNNG0014", diagnostic.Id);
            Assert.Contains($"The class '{name}' has the name of a member RnnGen generates for it", diagnostic.GetMessage(), StringComparison.Ordinal);
            Assert.Empty(result.GeneratedTrees.Where(static t => !t.FilePath.EndsWith("Attribute.g.cs", StringComparison.Ordinal) && t.FilePath.Contains(".g.cs", StringComparison.Ordinal)));
        }
        else
        {
            Assert.Empty(result.Diagnostics);
            Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
        }
    }

    [Theory]
    [InlineData("public int Threads { get; set; }", "Threads", "a member named 'Threads'")]
    [InlineData("public App.M2(int seed) { }", "M2", "a constructor taking one int")]
    [InlineData("private float[] _parameters = [];", "_parameters", "a member named '_parameters'")]
    [InlineData("public const int Vocab = 3;", "Vocab", "a member named 'Vocab'")]
    public void RNNG0015_MemberClashesWithAGeneratedMember(string member, string text, string clash)
    {
        Diagnostic diagnostic = Single($"namespace App {{ [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] public partial class M2 {{ {member.Replace("App.M2", "M2", StringComparison.Ordinal)} }} }}", "RNNG0015");
        Assert.Equal(text, Text(diagnostic));
        Assert.Contains($"'M2' declares {clash}", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Members_that_do_not_clash_still_compile()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run("""
            using RnnGen;
            namespace App;
            [RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)]
            public partial class M3
            {
                private int _count;
                public M3() : this(seed: 7) { _count = 1; }
                public string Summary(int indent) => new string(' ', indent + _count) + Summary();
                public float[] Predict(int[] tokens, bool quiet) => Predict(tokens);
            }
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("partial record R;", "R", "record")]
    [InlineData("partial record struct RS;", "RS", "record struct")]
    [InlineData("partial struct S { }", "S", "struct")]
    [InlineData("partial interface I { }", "I", "interface")]
    public void RNNG0016_NotAClass(string declaration, string name, string kind)
    {
        Diagnostic diagnostic = Single($"[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] {declaration}", "RNNG0016");
        Assert.Equal(name, Text(diagnostic));
        Assert.Contains($"[RnnModel] applies to classes, but '{name}' is a {kind}", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RNNG0017_FileLocalClass()
    {
        Diagnostic diagnostic = Single("[RnnModel(Vocab = 10, Embed = 4, Units = 4, SeqLen = 3)] file partial class Local { }", "RNNG0017");
        Assert.Equal("Local", Text(diagnostic));
    }

    private static Diagnostic Single(string declaration, string id)
    {
        Diagnostic[] diagnostics = Generated(declaration);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        return diagnostic;
    }

    private static Diagnostic[] Generated(string declaration)
    {
        s_source = "using RnnGen;\n" + declaration;
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(s_source);
        Assert.Empty(result.GeneratedTrees);
        return result.Diagnostics.ToArray();
    }

    // Diagnostics carry plain file locations (a LocationInfo, not a syntax tree), so the span is read from the source.
    private static string Text(Diagnostic diagnostic)
    {
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        return s_source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
    }
}
