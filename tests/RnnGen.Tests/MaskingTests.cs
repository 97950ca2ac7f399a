using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Tests;

/// <summary>
/// Keras' mask_zero (docs/keras-conventions.md, Masking): the scalar reference and finite differences on padded batches
/// (the libtorch fixtures are in FixtureParityTests), and the properties that define it: pre- and post-padding of the
/// same tokens give the same logits bit for bit, a row of padding gives the initial state, padding gets no gradient.
/// </summary>
public class MaskingTests
{
    public static TheoryData<string> Models => new()
    {
        nameof(S1TanhMasked), nameof(S2ReluMasked), nameof(S1LstmMasked), nameof(S2GruAfterMasked), nameof(S1GruBeforeMasked), nameof(MaskedGruSoftmax),
        nameof(S1TanhBidiMasked), nameof(S2ReluBidiMasked), nameof(S1LstmBidiMasked), nameof(S2GruAfterBidiMasked), nameof(S1GruBeforeBidiMasked), nameof(BidiMaskedGruSoftmax),
    };

    internal static IRnnModel Create(string name) => name switch
    {
        nameof(S1TanhMasked) => new S1TanhMasked(),
        nameof(S2ReluMasked) => new S2ReluMasked(),
        nameof(S1LstmMasked) => new S1LstmMasked(),
        nameof(S2GruAfterMasked) => new S2GruAfterMasked(),
        nameof(S1GruBeforeMasked) => new S1GruBeforeMasked(),
        nameof(MaskedGruSoftmax) => new MaskedGruSoftmax(),
        nameof(MaskedLstmDropout) => new MaskedLstmDropout(),
        nameof(S1TanhBidiMasked) => new S1TanhBidiMasked(),
        nameof(S2ReluBidiMasked) => new S2ReluBidiMasked(),
        nameof(S1LstmBidiMasked) => new S1LstmBidiMasked(),
        nameof(S2GruAfterBidiMasked) => new S2GruAfterBidiMasked(),
        nameof(S1GruBeforeBidiMasked) => new S1GruBeforeBidiMasked(),
        nameof(BidiMaskedGruSoftmax) => new BidiMaskedGruSoftmax(),
        nameof(BidiMaskedLstmDropout) => new BidiMaskedLstmDropout(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_and_backward_on_padded_rows_match_the_scalar_reference(string name)
    {
        IRnnModel model = Create(name);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 7);
        (int[] tokens, float[] labels) = PaddedBatch(description, seed: 3, batch: 7);

        float loss = model.ComputeGradients(tokens, labels);
        float[] logits = new float[labels.Length * description.Classes];
        model.PredictLogits(tokens, logits);
        ScalarReference.Result expected = ScalarReference.Run(description, model.Parameters, tokens, labels);

        for (int i = 0; i < logits.Length; i++)
        {
            Assert.True(Math.Abs(logits[i] - expected.Logits[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected.Logits[i])), $"logit {i}: {logits[i]} vs {expected.Logits[i]}");
        }

        Assert.True(Math.Abs(loss - expected.Loss) <= 1e-5 * expected.Loss, $"loss {loss} vs {expected.Loss}");
        GradientAssert.Close(description, model.Gradients, expected.Gradients, relative: 1e-4);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_gradient_matches_finite_differences_on_padded_rows(string name)
    {
        IRnnModel model = Create(name);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 19, scale: 0.4f);
        (int[] tokens, float[] labels) = PaddedBatch(description, seed: 23, batch: 5);
        model.ComputeGradients(tokens, labels);
        float[] analytic = model.Gradients.ToArray();
        float[] logits = new float[labels.Length * description.Classes];
        int classes = description.Classes;

        double Loss()
        {
            model.PredictLogits(tokens, logits);
            double sum = 0;
            for (int b = 0; b < labels.Length; b++)
            {
                sum += ClassificationHead.Loss(new ReadOnlySpan<float>(logits, b * classes, classes), labels[b]);
            }

            return sum / labels.Length;
        }

        const float h = 2e-3f;
        int kinks = 0, compared = 0;
        foreach (TensorInfo tensor in description.Tensors)
        {
            double scale = 0;
            for (int i = 0; i < tensor.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(analytic[tensor.Offset + i]));
            }

            for (int i = 0; i < tensor.Length; i++)
            {
                int index = tensor.Offset + i;
                float original = model.Parameters[index];
                model.Parameters[index] = original + h;
                double plus = Loss();
                model.Parameters[index] = original - h;
                double minus = Loss();
                model.Parameters[index] = original;
                double numeric = (plus - minus) / (2 * h);
                double tolerance = (2e-2 * Math.Abs(numeric)) + (2e-3 * scale) + 2e-5;
                if (Math.Abs(numeric - analytic[index]) > tolerance && description.Activation == RnnActivation.Relu)
                {
                    kinks++; // a relu pre-activation within ±h of 0: the finite difference is not a derivative there
                    continue;
                }

                Assert.True(Math.Abs(numeric - analytic[index]) <= tolerance, $"{tensor.Name}[{i}]: backward {analytic[index]:E4}, finite difference {numeric:E4}");
                compared++;
            }
        }

        Assert.True(kinks <= compared / 50, $"{kinks} kinks of {compared + kinks}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Pre_and_post_padding_of_the_same_tokens_give_the_same_logits_bit_for_bit(string name)
    {
        IRnnModel model = Create(name);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 11, scale: 0.7f);
        int seqLen = description.SeqLen, batch = 40;
        var random = new RnnRandom(31);
        int[] pre = new int[batch * seqLen], post = new int[batch * seqLen];
        for (int b = 0; b < batch; b++)
        {
            int length = random.NextInt32(seqLen + 1); // 0 … SeqLen real tokens
            for (int k = 0; k < length; k++)
            {
                int id = 1 + random.NextInt32(description.Vocab - 1);
                pre[(b * seqLen) + seqLen - length + k] = id;
                post[(b * seqLen) + k] = id;
            }
        }

        float[] preLogits = new float[batch * description.Classes], postLogits = new float[batch * description.Classes];
        model.PredictLogits(pre, preLogits);
        model.PredictLogits(post, postLogits);
        Assert.Equal(preLogits, postLogits);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Steps_where_every_row_is_padding_are_skipped_without_changing_a_bit(string name)
    {
        // Every row pre-padded by at least 3 steps (and one by all but one): the first steps are skipped outright.
        IRnnModel model = Create(name);
        ModelDescription description = model.Description;
        TestData.RandomizeWeights(model, seed: 13, scale: 0.6f);
        int seqLen = description.SeqLen, batch = 6, classes = description.Classes;
        (int[] post, float[] labels) = TestData.RandomBatch(9, description.Vocab, seqLen, batch, classes);
        int[] pre = new int[post.Length];
        var random = new RnnRandom(2);
        for (int b = 0; b < batch; b++)
        {
            int length = b == 0 ? 1 : 1 + random.NextInt32(seqLen - 3);
            for (int k = 0; k < seqLen; k++)
            {
                int id = k < length ? 1 + (post[(b * seqLen) + k] % (description.Vocab - 1)) : 0;
                post[(b * seqLen) + k] = id; // the real tokens first, then padding
                if (k < length)
                {
                    pre[(b * seqLen) + seqLen - length + k] = id; // padding first, then the same tokens
                }
            }
        }

        float[] preLogits = new float[batch * classes], postLogits = new float[batch * classes];
        model.PredictLogits(pre, preLogits);
        model.PredictLogits(post, postLogits);
        Assert.Equal(postLogits, preLogits);

        float loss = model.ComputeGradients(pre, labels);
        ScalarReference.Result expected = ScalarReference.Run(description, model.Parameters, pre, labels);
        Assert.True(Math.Abs(loss - expected.Loss) <= 1e-5 * expected.Loss, $"loss {loss} vs {expected.Loss}");
        GradientAssert.Close(description, model.Gradients, expected.Gradients, relative: 1e-4);
    }

    [Fact]
    public void A_row_of_padding_gives_the_dense_bias_and_padding_gets_no_gradient()
    {
        var model = new S1LstmMasked(seed: 2);
        TestData.RandomizeWeights(model, seed: 4);
        int seqLen = S1LstmMasked.SeqLen;
        int[] tokens = new int[3 * seqLen];
        tokens[seqLen + 2] = 5; // row 1: one real token; rows 0 and 2 all padding
        float[] logits = new float[3];
        model.PredictLogits(tokens, logits);
        float bias = model.DenseBias[0];
        Assert.Equal(bias, logits[0]);
        Assert.Equal(bias, logits[2]);
        Assert.NotEqual(bias, logits[1]);

        model.ComputeGradients(tokens, [1, 0, 1]);
        TensorInfo embeddings = S1LstmMasked.Description.FindTensor("embedding/embeddings")!;
        Assert.All(model.Gradients.Slice(embeddings.Offset, S1LstmMasked.Embed).ToArray(), static g => Assert.Equal(0f, g)); // row 0
        Assert.Contains(model.Gradients.Slice(embeddings.Offset + (5 * S1LstmMasked.Embed), S1LstmMasked.Embed).ToArray(), static g => g != 0f);
    }

    [Theory]
    [InlineData(nameof(MaskedLstmDropout))]
    [InlineData(nameof(BidiMaskedLstmDropout))]
    public void Masked_training_with_dropout_gives_the_same_bits_on_one_and_two_threads(string name)
    {
        ModelDescription description = Create(name).Description;
        (int[] tokens, float[] labels) = PaddedBatch(description, seed: 8, batch: 300);
        float[] Train(int threads)
        {
            IRnnModel model = Create(name);
            model.Threads = threads;
            var optimizer = new Adam(1e-2f);
            for (int step = 0; step < 3; step++)
            {
                model.TrainStep(tokens, labels, optimizer);
            }

            return model.Parameters.ToArray();
        }

        float[] one = Train(1);
        Assert.Equal(one, Train(2));
        Assert.All(one, static w => Assert.True(float.IsFinite(w)));
    }

    /// <summary>A random batch whose rows are pre-, post-, middle-, not or fully padded with id 0, as the fixtures' rows are.</summary>
    internal static (int[] Tokens, float[] Labels) PaddedBatch(ModelDescription description, int seed, int batch)
    {
        (int[] tokens, float[] labels) = TestData.RandomBatch(seed, description.Vocab, description.SeqLen, batch, description.Classes);
        int seqLen = description.SeqLen;
        var random = new RnnRandom(seed + 1);
        for (int b = 0; b < batch; b++)
        {
            Span<int> row = tokens.AsSpan(b * seqLen, seqLen);
            for (int t = 0; t < seqLen; t++)
            {
                row[t] = 1 + (row[t] % (description.Vocab - 1)); // real ids first
            }

            int cut = 1 + random.NextInt32(Math.Max(1, seqLen - 1));
            switch (b % 5)
            {
                case 0: row[..cut].Clear(); break;                       // pre
                case 1: row[(seqLen - cut)..].Clear(); break;            // post
                case 2: row.Slice(Math.Min(1, seqLen - 1), Math.Min(2, seqLen - 1)).Clear(); break; // middle
                case 3: break;                                           // none
                default: row.Clear(); break;                             // all
            }
        }

        return (tokens, labels);
    }
}
