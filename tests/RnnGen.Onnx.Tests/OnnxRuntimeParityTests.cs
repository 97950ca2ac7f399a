using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RnnGen.Onnx.Tests;

/// <summary>
/// Every model shape the generator emits, exported and run in ONNX Runtime: its probabilities and logits must match
/// RnnGen's own <c>Predict</c> and <c>PredictLogits</c> within 1e-5 on random weights (biases included, so the bias
/// mapping is checked) and random tokens with padding before, after and between the real ones.
/// </summary>
public sealed class OnnxRuntimeParityTests
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<string> ModelNames => [.. Factories.Keys];

    private static readonly Dictionary<string, Func<IRnnModel>> Factories = new()
    {
        [nameof(SimpleRnnTanh2)] = () => new SimpleRnnTanh2(seed: 1),
        [nameof(SimpleRnnRelu1)] = () => new SimpleRnnRelu1(seed: 2),
        [nameof(Lstm2)] = () => new Lstm2(seed: 3),
        [nameof(LstmHardSigmoid)] = () => new LstmHardSigmoid(seed: 4),
        [nameof(GruResetAfter2)] = () => new GruResetAfter2(seed: 5),
        [nameof(GruResetBefore)] = () => new GruResetBefore(seed: 6),
        [nameof(GruHardSigmoid)] = () => new GruHardSigmoid(seed: 7),
        [nameof(LstmSoftmax)] = () => new LstmSoftmax(seed: 8),
        [nameof(LstmDropout)] = () => new LstmDropout(seed: 9),
        [nameof(SimpleRnnMasked)] = () => new SimpleRnnMasked(seed: 10),
        [nameof(LstmMasked)] = () => new LstmMasked(seed: 11),
        [nameof(GruMaskedSoftmax)] = () => new GruMaskedSoftmax(seed: 12),
        [nameof(SimpleRnnBidi)] = () => new SimpleRnnBidi(seed: 13),
        [nameof(LstmBidi2)] = () => new LstmBidi2(seed: 14),
        [nameof(GruBidi)] = () => new GruBidi(seed: 15),
        [nameof(LstmMaskedBidi2)] = () => new LstmMaskedBidi2(seed: 16),
        [nameof(GruMaskedBidiSoftmax)] = () => new GruMaskedBidiSoftmax(seed: 17),
        [nameof(SimpleRnnReluMaskedBidi)] = () => new SimpleRnnReluMaskedBidi(seed: 18),
    };

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void ProbabilitiesAndLogitsMatchOnnxRuntime(string name)
    {
        IRnnModel model = Factories[name]();
        Randomize(model, seed: name.Length);
        int batch = 13;
        int[] tokens = Tokens(model.Description, batch, seed: 7);

        (float[] probabilities, float[] logits) = RunOnnx(model.ToOnnxBytes(), tokens, batch, model.Description.SeqLen);

        int outputs = model.Description.Classes;
        float[] expectedLogits = new float[batch * outputs];
        model.PredictLogits(tokens, expectedLogits);
        float[] expected = new float[batch * outputs];
        model.Predict(tokens, expected);
        AssertClose(expected, probabilities, "probabilities");
        AssertClose(expectedLogits, logits, "logits");
    }

    [Theory]
    [InlineData(nameof(ImdbBiLstmShape))]
    [InlineData(nameof(ImdbGruShape))]
    public void ImdbShapedModelsMatchOnnxRuntimeOver500Steps(string name)
    {
        IRnnModel model = name == nameof(ImdbBiLstmShape) ? new ImdbBiLstmShape(seed: 1) : new ImdbGruShape(seed: 2);
        int batch = 16;
        int seqLen = model.Description.SeqLen;
        var random = new Random(3);
        int[] tokens = new int[batch * seqLen];
        for (int row = 0; row < batch; row++)
        {
            // Pre-padded reviews of 20 to 500 tokens, as the sample encodes IMDB.
            int length = random.Next(20, seqLen + 1);
            for (int t = seqLen - length; t < seqLen; t++)
            {
                tokens[row * seqLen + t] = random.Next(1, model.Description.Vocab);
            }
        }

        (float[] probabilities, _) = RunOnnx(model.ToOnnxBytes(), tokens, batch, seqLen);
        AssertClose(model.Predict(tokens), probabilities, "probabilities");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void EveryInitializerFeedsANode(string name)
    {
        // ONNX Runtime warns about and drops an unused initializer (it found "merged_shape" in one-level graphs).
        Schema.GraphProto graph = OnnxExport.Build(Factories[name]()).Graph;
        var used = graph.Node.SelectMany(static n => n.Input).ToHashSet(StringComparer.Ordinal);
        string[] unused = [.. graph.Initializer.Select(static i => i.Name).Where(i => !used.Contains(i))];
        Assert.True(unused.Length == 0, $"unused initializers: {string.Join(", ", unused)}");
    }

    [Fact]
    public void TheGraphNamesItsInputsOutputsAndModel()
    {
        var model = new LstmMaskedBidi2(seed: 1);
        using var session = new InferenceSession(model.ToOnnxBytes());
        Assert.Equal([OnnxExport.TokensInput], session.InputMetadata.Keys);
        Assert.Equal([OnnxExport.ProbabilitiesOutput, OnnxExport.LogitsOutput], session.OutputMetadata.Keys);
        Assert.Equal([-1, 8], session.InputMetadata[OnnxExport.TokensInput].Dimensions);
        Assert.Equal(LstmMaskedBidi2.Description.SpecText, session.ModelMetadata.CustomMetadataMap["rnngen.spec"]);
        Assert.Equal("RnnGen", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void ExportOnnxWritesTheFileAtomically()
    {
        var model = new GruBidi(seed: 3);
        string folder = Path.Combine(Path.GetTempPath(), $"rnngen-onnx-{Guid.NewGuid():N}");
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            model.ExportOnnx(path);
            Assert.Equal(model.ToOnnxBytes(), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static (float[] Probabilities, float[] Logits) RunOnnx(byte[] onnx, int[] tokens, int batch, int seqLen)
    {
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<long>(tokens.Select(t => (long)t).ToArray(), [batch, seqLen]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
            session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.TokensInput, input)]);
        float[] probabilities = results.Single(r => r.Name == OnnxExport.ProbabilitiesOutput).AsEnumerable<float>().ToArray();
        float[] logits = results.Single(r => r.Name == OnnxExport.LogitsOutput).AsEnumerable<float>().ToArray();
        return (probabilities, logits);
    }

    internal static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= Tolerance, $"{what}: max |RnnGen − ONNX Runtime| = {worst:E2} > {Tolerance:E0}");
    }

    // Every parameter uniform in [−0.6, 0.6): biases and the GRU's recurrent bias are non-zero, so a wrong bias mapping
    // shows; the values stay small enough that no unit saturates everywhere.
    private static void Randomize(IRnnModel model, int seed)
    {
        var random = new Random(seed);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)(random.NextDouble() * 1.2 - 0.6);
        }
    }

    // Rows of every kind: no padding, pre-padding, post-padding, padding between tokens, all padding, one token.
    private static int[] Tokens(ModelDescription description, int batch, int seed)
    {
        var random = new Random(seed);
        int seqLen = description.SeqLen;
        int[] tokens = new int[batch * seqLen];
        for (int row = 0; row < batch; row++)
        {
            Span<int> ids = tokens.AsSpan(row * seqLen, seqLen);
            for (int t = 0; t < seqLen; t++)
            {
                ids[t] = random.Next(1, description.Vocab);
            }

            int cut = random.Next(1, seqLen);
            switch (row % 6)
            {
                case 1:
                    ids[..cut].Clear();
                    break;
                case 2:
                    ids[cut..].Clear();
                    break;
                case 3:
                    ids[cut] = 0;
                    ids[seqLen / 2] = 0;
                    break;
                case 4:
                    ids.Clear();
                    break;
                case 5:
                    ids[..^1].Clear();
                    break;
            }
        }

        return tokens;
    }
}
