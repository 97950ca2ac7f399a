namespace RnnGen.Tests;

/// <summary>The generated forward and backward passes against <see cref="ScalarReference"/>, over many shapes.</summary>
public class ReferenceAgreementTests
{
    public static TheoryData<string, int> Models => new()
    {
        { nameof(S1Tanh), 4 },
        { nameof(S1Relu), 5 },
        { nameof(S2Tanh), 3 },
        { nameof(S2Relu), 7 },
        { nameof(OddShapes), 9 },
        { nameof(SingleStep), 6 },
        { nameof(Unrolled), 7 },
        { nameof(WidePanels), 5 },
        { nameof(MarkerDetector), 13 },
        { nameof(S1Lstm), 4 },
        { nameof(S2Lstm), 3 },
        { nameof(S1GruAfter), 4 },
        { nameof(S2GruAfter), 3 },
        { nameof(S1GruBefore), 4 },
        { nameof(S2GruBefore), 3 },
        { nameof(LstmHardOdd), 5 },
        { nameof(GruUnrolled), 6 },
        { nameof(GruBeforeSingleStep), 3 },
        { nameof(S1TanhSoftmax), 5 },
        { nameof(S2ReluSoftmax), 7 },
        { nameof(S1LstmSoftmax), 4 },
        { nameof(S2GruAfterSoftmax), 5 },
        { nameof(S1GruBeforeSoftmax), 6 },
        { nameof(ThreeClassLstm), 7 },
        { nameof(S1TanhBidi), 5 },
        { nameof(S2ReluBidi), 4 },
        { nameof(S1LstmBidi), 6 },
        { nameof(S2GruAfterBidi), 3 },
        { nameof(S1GruBeforeBidi), 7 },
    };

    internal static IRnnModel Create(string name) => name switch
    {
        nameof(S1Tanh) => new S1Tanh(),
        nameof(S1Relu) => new S1Relu(),
        nameof(S2Tanh) => new S2Tanh(),
        nameof(S2Relu) => new S2Relu(),
        nameof(OddShapes) => new OddShapes(),
        nameof(SingleStep) => new SingleStep(),
        nameof(Unrolled) => new Unrolled(),
        nameof(WidePanels) => new WidePanels(),
        nameof(MarkerDetector) => new MarkerDetector(),
        nameof(SeedModel) => new SeedModel(),
        nameof(S1Lstm) => new S1Lstm(),
        nameof(S2Lstm) => new S2Lstm(),
        nameof(S1GruAfter) => new S1GruAfter(),
        nameof(S2GruAfter) => new S2GruAfter(),
        nameof(S1GruBefore) => new S1GruBefore(),
        nameof(S2GruBefore) => new S2GruBefore(),
        nameof(LstmHardOdd) => new LstmHardOdd(),
        nameof(GruUnrolled) => new GruUnrolled(),
        nameof(GruBeforeSingleStep) => new GruBeforeSingleStep(),
        nameof(S1TanhSoftmax) => new S1TanhSoftmax(),
        nameof(S2ReluSoftmax) => new S2ReluSoftmax(),
        nameof(S1LstmSoftmax) => new S1LstmSoftmax(),
        nameof(S2GruAfterSoftmax) => new S2GruAfterSoftmax(),
        nameof(S1GruBeforeSoftmax) => new S1GruBeforeSoftmax(),
        nameof(ThreeClassLstm) => new ThreeClassLstm(),
        nameof(S1TanhBidi) => new S1TanhBidi(),
        nameof(S2ReluBidi) => new S2ReluBidi(),
        nameof(S1LstmBidi) => new S1LstmBidi(),
        nameof(S2GruAfterBidi) => new S2GruAfterBidi(),
        nameof(S1GruBeforeBidi) => new S1GruBeforeBidi(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ForwardAndBackwardMatchTheScalarReference(string modelName, int batch)
    {
        IRnnModel model = Create(modelName);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 7);
        (int[] tokens, float[] labels) = TestData.RandomBatch(11, description.Vocab, description.SeqLen, batch, description.Classes);

        float loss = model.ComputeGradients(tokens, labels);
        float[] logits = new float[batch * description.Classes];
        model.PredictLogits(tokens, logits);
        ScalarReference.Result expected = ScalarReference.Run(description, model.Parameters, tokens, labels);

        Assert.Equal(expected.Logits.Length, logits.Length);
        for (int b = 0; b < logits.Length; b++)
        {
            Assert.True(Math.Abs(logits[b] - expected.Logits[b]) <= 1e-5 * Math.Max(1, Math.Abs(expected.Logits[b])), $"logit {b}: {logits[b]} vs {expected.Logits[b]}");
        }

        Assert.True(Math.Abs(loss - expected.Loss) <= 1e-5 * expected.Loss, $"loss {loss} vs {expected.Loss}");
        GradientAssert.Close(description, model.Gradients, expected.Gradients, relative: 1e-5);
    }

    [Fact]
    public void SeedModelMatchesTheScalarReference()
    {
        var model = new SeedModel(seed: 22);
        (int[] tokens, float[] labels) = TestData.RandomBatch(5, SeedModel.Vocab, SeedModel.SeqLen, 3);
        float loss = model.ComputeGradients(tokens, labels);
        ScalarReference.Result expected = ScalarReference.Run(SeedModel.Description, model.Parameters, tokens, labels);
        Assert.True(Math.Abs(loss - expected.Loss) <= 1e-5 * expected.Loss, $"loss {loss} vs {expected.Loss}");
        GradientAssert.Close(SeedModel.Description, model.Gradients, expected.Gradients, relative: 1e-5);
    }

    [Fact]
    public void SmallerBatchAfterALargerOneGivesTheSameResult()
    {
        var model = new OddShapes(seed: 3);
        (int[] big, float[] bigLabels) = TestData.RandomBatch(1, OddShapes.Vocab, OddShapes.SeqLen, 9);
        (int[] small, float[] smallLabels) = TestData.RandomBatch(2, OddShapes.Vocab, OddShapes.SeqLen, 2);
        var fresh = new OddShapes(seed: 3);
        float expected = fresh.ComputeGradients(small, smallLabels);
        float[] expectedGradients = fresh.Gradients.ToArray();

        model.ComputeGradients(big, bigLabels);
        float actual = model.ComputeGradients(small, smallLabels);

        Assert.Equal(expected, actual);
        Assert.Equal(expectedGradients, model.Gradients.ToArray());
    }
}

/// <summary>Per-tensor gradient comparison: |g − r| ≤ relative · max|r| of the tensor (plus a float floor).</summary>
internal static class GradientAssert
{
    public static void Close(ModelDescription description, ReadOnlySpan<float> actual, double[] expected, double relative)
    {
        foreach (TensorInfo tensor in description.Tensors)
        {
            double scale = 0;
            for (int i = 0; i < tensor.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(expected[tensor.Offset + i]));
            }

            double tolerance = (relative * scale) + 1e-7;
            for (int i = 0; i < tensor.Length; i++)
            {
                double difference = Math.Abs(actual[tensor.Offset + i] - expected[tensor.Offset + i]);
                Assert.True(
                    difference <= tolerance,
                    $"{tensor.Name}[{i}]: {actual[tensor.Offset + i]} vs {expected[tensor.Offset + i]} (|Δ| {difference:E2} > {tolerance:E2})");
            }
        }
    }
}
