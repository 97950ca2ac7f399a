using RnnGen.Initialization;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>
/// Dropout with Keras semantics (docs/keras-conventions.md, Dropout): inverted masks drawn once per batch and reused at every step,
/// per-gate masks when recurrent dropout is on, nothing at inference. The training pass is compared with the scalar
/// reference given the same masks, which the test redraws from the model's documented stream: RnnRandom(~seed), layer by
/// layer, the input mask(s) [k][b][j] then the recurrent mask(s) [k][b][j], each value 1/(1 − rate) if a uniform draw
/// is ≥ rate, else 0.
/// </summary>
public class DropoutTests
{
    public static TheoryData<string> Models => new()
    {
        nameof(RnnDropout), nameof(LstmInputDropout), nameof(LstmDropout), nameof(GruDropout), nameof(GruBeforeDropout), nameof(GruRecurrentDropout),
        nameof(BidiMaskedLstmDropout),
    };

    private static IRnnModel Create(string name, int seed) => name switch
    {
        nameof(RnnDropout) => new RnnDropout(seed),
        nameof(LstmInputDropout) => new LstmInputDropout(seed),
        nameof(LstmDropout) => new LstmDropout(seed),
        nameof(GruDropout) => new GruDropout(seed),
        nameof(GruBeforeDropout) => new GruBeforeDropout(seed),
        nameof(GruRecurrentDropout) => new GruRecurrentDropout(seed),
        nameof(BidiMaskedLstmDropout) => new BidiMaskedLstmDropout(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainingPassAndGradientsMatchTheReferenceWithTheSameMasks(string name)
    {
        const int Seed = 5, Batch = 3;
        IRnnModel model = Create(name, Seed);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 9);
        (int[] tokens, float[] labels) = TestData.RandomBatch(4, description.Vocab, description.SeqLen, Batch);

        float loss = model.ComputeGradients(tokens, labels);
        float[] logits = model.Logits.ToArray();

        ScalarReference.LayerMasks[] masks = RedrawMasks(description, Seed, Batch);
        double[] weights = model.Parameters.ToArray().Select(static w => (double)w).ToArray();
        (double[] expectedLogits, double expectedLoss) = ScalarReference.GatedForward(description, weights, tokens, labels, masks);
        for (int b = 0; b < Batch; b++)
        {
            Assert.True(Math.Abs(logits[b] - expectedLogits[b]) <= 1e-5 * Math.Max(1, Math.Abs(expectedLogits[b])), $"logit {b}: {logits[b]} vs {expectedLogits[b]}");
        }

        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * expectedLoss, $"loss {loss} vs {expectedLoss}");

        double[] expectedGradients = new double[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            double original = weights[i];
            weights[i] = original + 1e-6;
            double plus = ScalarReference.GatedForward(description, weights, tokens, labels, masks).Loss;
            weights[i] = original - 1e-6;
            double minus = ScalarReference.GatedForward(description, weights, tokens, labels, masks).Loss;
            weights[i] = original;
            expectedGradients[i] = (plus - minus) / 2e-6;
        }

        GradientAssert.Close(description, model.Gradients, expectedGradients, relative: 1e-5);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PredictionAppliesNoDropout(string name)
    {
        IRnnModel model = Create(name, seed: 2);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 3);
        (int[] tokens, float[] labels) = TestData.RandomBatch(6, description.Vocab, description.SeqLen, 4);
        model.ComputeGradients(tokens, labels); // leaves training masks behind
        float[] logits = new float[4];
        model.PredictLogits(tokens, logits);
        double[] weights = model.Parameters.ToArray().Select(static w => (double)w).ToArray();
        (double[] expected, _) = ScalarReference.GatedForward(description, weights, tokens, labels);
        for (int b = 0; b < 4; b++)
        {
            Assert.True(Math.Abs(logits[b] - expected[b]) <= 1e-5 * Math.Max(1, Math.Abs(expected[b])), $"logit {b}: {logits[b]} vs {expected[b]}");
        }
    }

    [Fact]
    public void MasksAreNewForEveryBatchAndReproducibleFromTheSeed()
    {
        (int[] tokens, float[] labels) = TestData.RandomBatch(8, LstmDropout.Vocab, LstmDropout.SeqLen, 5);
        var first = new LstmDropout(seed: 11);
        var second = new LstmDropout(seed: 11);
        float a1 = first.ComputeGradients(tokens, labels), a2 = first.ComputeGradients(tokens, labels);
        float b1 = second.ComputeGradients(tokens, labels), b2 = second.ComputeGradients(tokens, labels);
        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2); // same weights, same batch, new masks
    }

    [Fact]
    public void MasksAreInvertedBernoulli()
    {
        var mask = new float[200_000];
        DropoutKernels.FillMask(mask, 0.3, new RnnRandom(1));
        Assert.All(mask, static m => Assert.True(m == 0 || Math.Abs(m - (1 / 0.7f)) < 1e-6));
        Assert.InRange(mask.Count(static m => m == 0) / (double)mask.Length, 0.295, 0.305);
        Assert.InRange(mask.Average(), 0.99, 1.01);
    }

    private static ScalarReference.LayerMasks[] RedrawMasks(ModelDescription description, int seed, int batch)
    {
        var random = new RnnRandom(~(long)seed);
        int gates = description.Cell switch { RnnCell.Lstm => 4, RnnCell.Gru => 3, _ => 1 };
        int groups = description.RecurrentDropout > 0 ? gates : 1;
        int directions = description.Bidirectional ? 2 : 1; // each copy of a Bidirectional level draws its own, forward copy first
        var layers = new ScalarReference.LayerMasks[description.Layers * directions];
        for (int l = 0; l < layers.Length; l++)
        {
            int d = l < directions ? description.Embed : directions * description.Units;
            double[][][]? input = description.Dropout > 0 ? Draw(groups, d, description.Dropout) : null;
            double[][][]? recurrent = description.RecurrentDropout > 0 ? Draw(groups, description.Units, description.RecurrentDropout) : null;
            layers[l] = new ScalarReference.LayerMasks(input, recurrent);
        }

        return layers;

        double[][][] Draw(int count, int width, double rate) =>
            Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, batch).Select(_ =>
                Enumerable.Range(0, width).Select(_ => random.NextDouble() >= rate ? (double)(float)(1 / (1 - rate)) : 0).ToArray()).ToArray()).ToArray();
    }
}
