using System.Text.Json;
using RnnGen.Execution;
using RnnGen.Optimizers;
using Xunit.Abstractions;

namespace RnnGen.Tests;

/// <summary>
/// Parity with the libtorch fixtures in <c>shared/fixtures</c> (float64, Keras layout), at the float32 tolerances of
/// their README: logits abs 1e-5, loss rel 1e-5, gradients abs 1e-6 + rel 1e-3 elementwise and 1e-3 per tensor,
/// weights after 3 Adam or RMSprop steps abs 1e-5.
/// </summary>
public class FixtureParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files => new()
    {
        "simple_rnn_tanh_S1",
        "simple_rnn_tanh_S2",
        "simple_rnn_relu_S1",
        "simple_rnn_relu_S2",
        "lstm_S1",
        "lstm_S2",
        "gru_reset_after_S1",
        "gru_reset_after_S2",
        "gru_reset_before_S1",
        "gru_reset_before_S2",
        "softmax_simple_rnn_tanh_S1",
        "softmax_simple_rnn_tanh_S2",
        "softmax_simple_rnn_relu_S1",
        "softmax_simple_rnn_relu_S2",
        "softmax_lstm_S1",
        "softmax_lstm_S2",
        "softmax_gru_reset_after_S1",
        "softmax_gru_reset_after_S2",
        "softmax_gru_reset_before_S1",
        "softmax_gru_reset_before_S2",
        "mask_simple_rnn_tanh_S1",
        "mask_simple_rnn_tanh_S2",
        "mask_simple_rnn_relu_S1",
        "mask_simple_rnn_relu_S2",
        "mask_lstm_S1",
        "mask_lstm_S2",
        "mask_gru_reset_after_S1",
        "mask_gru_reset_after_S2",
        "mask_gru_reset_before_S1",
        "mask_gru_reset_before_S2",
        "bidi_simple_rnn_tanh_S1",
        "bidi_simple_rnn_tanh_S2",
        "bidi_simple_rnn_relu_S1",
        "bidi_simple_rnn_relu_S2",
        "bidi_lstm_S1",
        "bidi_lstm_S2",
        "bidi_gru_reset_after_S1",
        "bidi_gru_reset_after_S2",
        "bidi_gru_reset_before_S1",
        "bidi_gru_reset_before_S2",
        "bidi_mask_simple_rnn_tanh_S1",
        "bidi_mask_simple_rnn_tanh_S2",
        "bidi_mask_simple_rnn_relu_S1",
        "bidi_mask_simple_rnn_relu_S2",
        "bidi_mask_lstm_S1",
        "bidi_mask_lstm_S2",
        "bidi_mask_gru_reset_after_S1",
        "bidi_mask_gru_reset_after_S2",
        "bidi_mask_gru_reset_before_S1",
        "bidi_mask_gru_reset_before_S2",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void LogitsLossAndGradientsMatch(string name)
    {
        using Fixture fixture = Fixture.Load(name);
        IRnnModel model = fixture.CreateModel();
        fixture.LoadWeights(model, fixture.Root.GetProperty("weights"));

        float loss = model.ComputeGradients(fixture.Tokens, fixture.Labels);
        float[] logits = new float[fixture.Labels.Length * model.Description.Classes];
        model.PredictLogits(fixture.Tokens, logits);
        float[] probabilities = model.Predict(fixture.Tokens);

        JsonElement forward = fixture.Root.GetProperty("forward");
        double[] expectedLogits = Fixture.Doubles(forward.GetProperty("logits"));
        double[] expectedProbabilities = Fixture.Doubles(forward.GetProperty("probabilities"));
        for (int b = 0; b < logits.Length; b++)
        {
            Assert.True(Math.Abs(logits[b] - expectedLogits[b]) <= 1e-5, $"logit {b}: {logits[b]} vs {expectedLogits[b]}");
            Assert.True(Math.Abs(probabilities[b] - expectedProbabilities[b]) <= 1e-5, $"probability {b}: {probabilities[b]} vs {expectedProbabilities[b]}");
        }

        double expectedLoss = forward.GetProperty("loss").GetDouble();
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * expectedLoss, $"loss {loss} vs {expectedLoss}");
        double worstLogit = logits.Select((l, b) => Math.Abs(l - expectedLogits[b])).Max();
        double worstTensor = 0;

        JsonElement gradients = fixture.Root.GetProperty("gradients");
        foreach (TensorInfo tensor in model.Description.Tensors)
        {
            double[] expected = Fixture.Doubles(gradients.GetProperty(tensor.Name).GetProperty("data"));
            ReadOnlySpan<float> actual = model.Gradients.Slice(tensor.Offset, tensor.Length);
            double max = expected.Max(Math.Abs);
            double maxDifference = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double difference = Math.Abs(actual[i] - expected[i]);
                maxDifference = Math.Max(maxDifference, difference);
                Assert.True(difference <= 1e-6 + (1e-3 * Math.Abs(expected[i])), $"{tensor.Name}[{i}]: {actual[i]} vs {expected[i]}");
            }

            Assert.True(maxDifference <= 1e-3 * max, $"{tensor.Name}: max |Δ| {maxDifference} vs max |g| {max}");
            worstTensor = Math.Max(worstTensor, maxDifference / max);
        }

        output.WriteLine(FormattableString.Invariant($"{name}: logits max |Δ| {worstLogit:E1}, loss rel {Math.Abs(loss - expectedLoss) / expectedLoss:E1}, gradients worst max|Δ|/max|g| {worstTensor:E1}"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ThreeAdamStepsMatch(string name) => CheckSteps(name, "adam", () => new Adam());

    [Theory]
    [MemberData(nameof(Files))]
    public void ThreeRmsPropStepsMatch(string name) => CheckSteps(name, "rmsprop", () => new RmsProp());

    private void CheckSteps(string name, string optimizerName, Func<Optimizer> createOptimizer)
    {
        using Fixture fixture = Fixture.Load(name);
        IRnnModel model = fixture.CreateModel();
        fixture.LoadWeights(model, fixture.Root.GetProperty("weights"));
        JsonElement run = fixture.Root.GetProperty(optimizerName);
        double[] expectedLosses = Fixture.Doubles(run.GetProperty("losses"));
        JsonElement[] weightsAfter = run.GetProperty("weights_after").EnumerateArray().ToArray();
        Optimizer optimizer = createOptimizer();
        double worstWeight = 0;

        for (int step = 0; step < 3; step++)
        {
            float loss = model.TrainStep(fixture.Tokens, fixture.Labels, optimizer);
            Assert.True(Math.Abs(loss - expectedLosses[step]) <= 1e-5 * expectedLosses[step], $"{optimizerName} loss before step {step + 1}: {loss} vs {expectedLosses[step]}");
            foreach (TensorInfo tensor in model.Description.Tensors)
            {
                double[] expected = Fixture.Doubles(weightsAfter[step].GetProperty(tensor.Name).GetProperty("data"));
                Span<float> actual = model.Parameters.Slice(tensor.Offset, tensor.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5, $"{optimizerName} step {step + 1} {tensor.Name}[{i}]: {actual[i]} vs {expected[i]}");
                    worstWeight = Math.Max(worstWeight, Math.Abs(actual[i] - expected[i]));
                }
            }
        }

        float[] logits = new float[fixture.Labels.Length * model.Description.Classes];
        model.PredictLogits(fixture.Tokens, logits);
        double lossAfter = run.GetProperty("loss_after").GetDouble();
        float meanLoss = model.Description.Classes == 1
            ? BinaryCrossEntropy.MeanLoss(logits, fixture.Labels)
            : SoftmaxCrossEntropy.MeanLoss(logits, fixture.Labels, model.Description.Classes);
        Assert.True(Math.Abs(meanLoss - lossAfter) <= 1e-5 * lossAfter);
        output.WriteLine(FormattableString.Invariant($"{name} {optimizerName}: weights after 3 steps max |Δ| {worstWeight:E1}"));
    }

    /// <summary>One fixture file, with the model class of its shape and activation.</summary>
    private sealed class Fixture : IDisposable
    {
        private readonly JsonDocument _document;

        private Fixture(JsonDocument document, string name)
        {
            _document = document;
            Name = name;
            Tokens = Root.GetProperty("tokens").EnumerateArray().SelectMany(static row => row.EnumerateArray().Select(static t => t.GetInt32())).ToArray();
            Labels = Root.GetProperty("labels").EnumerateArray().Select(static l => (float)l.GetInt32()).ToArray();
        }

        public string Name { get; }

        public JsonElement Root => _document.RootElement;

        public int[] Tokens { get; }

        public float[] Labels { get; }

        public static Fixture Load(string name)
        {
            string path = Path.Combine(TestData.SharedFolder(), "fixtures", name + ".json");
            return new Fixture(JsonDocument.Parse(File.ReadAllBytes(path)), name);
        }

        /// <summary>The numbers of a list, or of a nested list row by row ([B][4] logits of the softmax head).</summary>
        public static double[] Doubles(JsonElement array) =>
            array.EnumerateArray().SelectMany(static v => v.ValueKind == JsonValueKind.Array ? Doubles(v) : [v.GetDouble()]).ToArray();

        public IRnnModel CreateModel()
        {
            IRnnModel model = Name switch
            {
                "simple_rnn_tanh_S1" => new S1Tanh(),
                "simple_rnn_relu_S1" => new S1Relu(),
                "simple_rnn_tanh_S2" => new S2Tanh(),
                "simple_rnn_relu_S2" => new S2Relu(),
                "lstm_S1" => new S1Lstm(),
                "lstm_S2" => new S2Lstm(),
                "gru_reset_after_S1" => new S1GruAfter(),
                "gru_reset_after_S2" => new S2GruAfter(),
                "gru_reset_before_S1" => new S1GruBefore(),
                "gru_reset_before_S2" => new S2GruBefore(),
                "softmax_simple_rnn_tanh_S1" => new S1TanhSoftmax(),
                "softmax_simple_rnn_relu_S1" => new S1ReluSoftmax(),
                "softmax_simple_rnn_tanh_S2" => new S2TanhSoftmax(),
                "softmax_simple_rnn_relu_S2" => new S2ReluSoftmax(),
                "softmax_lstm_S1" => new S1LstmSoftmax(),
                "softmax_lstm_S2" => new S2LstmSoftmax(),
                "softmax_gru_reset_after_S1" => new S1GruAfterSoftmax(),
                "softmax_gru_reset_after_S2" => new S2GruAfterSoftmax(),
                "softmax_gru_reset_before_S1" => new S1GruBeforeSoftmax(),
                "softmax_gru_reset_before_S2" => new S2GruBeforeSoftmax(),
                "mask_simple_rnn_tanh_S1" => new S1TanhMasked(),
                "mask_simple_rnn_relu_S1" => new S1ReluMasked(),
                "mask_simple_rnn_tanh_S2" => new S2TanhMasked(),
                "mask_simple_rnn_relu_S2" => new S2ReluMasked(),
                "mask_lstm_S1" => new S1LstmMasked(),
                "mask_lstm_S2" => new S2LstmMasked(),
                "mask_gru_reset_after_S1" => new S1GruAfterMasked(),
                "mask_gru_reset_after_S2" => new S2GruAfterMasked(),
                "mask_gru_reset_before_S1" => new S1GruBeforeMasked(),
                "mask_gru_reset_before_S2" => new S2GruBeforeMasked(),
                "bidi_simple_rnn_tanh_S1" => new S1TanhBidi(),
                "bidi_simple_rnn_tanh_S2" => new S2TanhBidi(),
                "bidi_simple_rnn_relu_S1" => new S1ReluBidi(),
                "bidi_simple_rnn_relu_S2" => new S2ReluBidi(),
                "bidi_lstm_S1" => new S1LstmBidi(),
                "bidi_lstm_S2" => new S2LstmBidi(),
                "bidi_gru_reset_after_S1" => new S1GruAfterBidi(),
                "bidi_gru_reset_after_S2" => new S2GruAfterBidi(),
                "bidi_gru_reset_before_S1" => new S1GruBeforeBidi(),
                "bidi_gru_reset_before_S2" => new S2GruBeforeBidi(),
                "bidi_mask_simple_rnn_tanh_S1" => new S1TanhBidiMasked(),
                "bidi_mask_simple_rnn_tanh_S2" => new S2TanhBidiMasked(),
                "bidi_mask_simple_rnn_relu_S1" => new S1ReluBidiMasked(),
                "bidi_mask_simple_rnn_relu_S2" => new S2ReluBidiMasked(),
                "bidi_mask_lstm_S1" => new S1LstmBidiMasked(),
                "bidi_mask_lstm_S2" => new S2LstmBidiMasked(),
                "bidi_mask_gru_reset_after_S1" => new S1GruAfterBidiMasked(),
                "bidi_mask_gru_reset_after_S2" => new S2GruAfterBidiMasked(),
                "bidi_mask_gru_reset_before_S1" => new S1GruBeforeBidiMasked(),
                "bidi_mask_gru_reset_before_S2" => new S2GruBeforeBidiMasked(),
                _ => throw new ArgumentOutOfRangeException(Name),
            };
            ModelDescription description = model.Description;
            Assert.Equal(Root.GetProperty("vocab").GetInt32(), description.Vocab);
            Assert.Equal(Root.GetProperty("embed").GetInt32(), description.Embed);
            Assert.Equal(Root.GetProperty("units").GetInt32(), description.Units);
            Assert.Equal(Root.GetProperty("layers").GetInt32(), description.Layers);
            Assert.Equal(Root.GetProperty("seq_len").GetInt32(), description.SeqLen);
            Assert.Equal(Root.GetProperty("keras_param_count").GetInt32(), description.ParameterCount);
            Assert.Equal(Root.TryGetProperty("dense_units", out JsonElement classes) ? classes.GetInt32() : 1, description.Classes);
            Assert.Equal(Root.TryGetProperty("mask_zero", out JsonElement mask) && mask.GetBoolean(), description.MaskZero);
            Assert.Equal(Root.TryGetProperty("bidirectional", out JsonElement bidirectional) && bidirectional.GetBoolean(), description.Bidirectional);
            return model;
        }

        public void LoadWeights(IRnnModel model, JsonElement weights)
        {
            Assert.Equal(model.Description.Tensors.Select(static t => t.Name), weights.EnumerateObject().Select(static p => p.Name));
            foreach (TensorInfo tensor in model.Description.Tensors)
            {
                JsonElement entry = weights.GetProperty(tensor.Name);
                Assert.Equal(tensor.Shape, entry.GetProperty("shape").EnumerateArray().Select(static d => d.GetInt32()).ToArray());
                double[] data = Doubles(entry.GetProperty("data"));
                Span<float> target = model.Parameters.Slice(tensor.Offset, tensor.Length);
                for (int i = 0; i < data.Length; i++)
                {
                    target[i] = (float)data[i];
                }
            }
        }

        public void Dispose() => _document.Dispose();
    }
}
