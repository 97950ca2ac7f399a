namespace RnnGen.Generator.Tests;

/// <summary>The generated code, file by file, for representative shapes (see Snapshots/*.verified.cs).</summary>
public class SnapshotTests
{
    [Fact]
    public void SeedModel() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
        public partial class ImdbSentiment { }
        """);

    [Fact]
    public void OneLayer() => VerifyModel("""
        using RnnGen;

        [RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500)]
        public partial class OneLayer { }
        """);

    [Fact]
    public void UnitsNotAMultipleOfTheVectorWidth() => VerifyModel("""
        using RnnGen;

        namespace Odd.Shapes
        {
            public partial class Outer
            {
                [RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6)]
                internal partial class OddUnits { }
            }
        }
        """);

    [Fact]
    public void ReluUnrolled() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 50, Embed = 3, Units = 20, SeqLen = 3, Activation = RnnActivation.Relu, Unroll = true)]
        public partial class ReluUnrolled { }
        """);

    [Fact]
    public void Lstm() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500, Cell = RnnCell.Lstm)]
        public partial class ImdbLstm { }
        """);

    [Fact]
    public void MaskedLstm() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 20000, Embed = 64, Units = 32, SeqLen = 200, Cell = RnnCell.Lstm, MaskZero = true)]
        public partial class MaskedReviews { }
        """);

    [Fact]
    public void MaskedBidirectionalLstm() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 20000, Embed = 64, Units = 32, Layers = 2, SeqLen = 200, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
        public partial class BidirectionalReviews { }
        """);

    [Fact]
    public void SoftmaxHead() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 20000, Embed = 64, Units = 32, SeqLen = 200, Cell = RnnCell.Gru, Classes = 8)]
        public partial class Ratings { }
        """);

    [Fact]
    public void LstmUnitsNotAMultipleOfTheVectorWidth() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm, RecurrentActivation = RecurrentActivation.HardSigmoid)]
        public partial class OddLstm { }
        """);

    [Fact]
    public void GruResetAfter() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500, Cell = RnnCell.Gru)]
        public partial class ImdbGru { }
        """);

    [Fact]
    public void GruResetBeforeUnitsNotAMultipleOfTheVectorWidth() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, ResetAfter = false)]
        public partial class OddGru { }
        """);

    [Fact]
    public void LstmWithDropout() => VerifyModel("""
        using RnnGen;

        namespace Samples;

        [RnnModel(Vocab = 100, Embed = 8, Units = 12, Layers = 2, SeqLen = 5, Cell = RnnCell.Lstm, Dropout = 0.2, RecurrentDropout = 0.2)]
        public partial class DropoutLstm { }
        """);

    private static void VerifyModel(string source, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        (Microsoft.CodeAnalysis.GeneratorDriverRunResult result, Microsoft.CodeAnalysis.Compilation output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Snapshot.Verify(result, test);
    }
}
