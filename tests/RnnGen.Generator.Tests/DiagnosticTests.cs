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
