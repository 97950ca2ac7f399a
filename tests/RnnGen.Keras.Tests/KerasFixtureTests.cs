using System.Text.Json;
using RnnGen.Tests;

namespace RnnGen.Keras.Tests;

/// <summary>
/// The Keras-layout files of shared/fixtures/keras/: each of the four models in Keras 3's .weights.h5 and .keras and
/// tf.keras 2.15's legacy .h5 loads into its RnnGen model with the fixture JSON's weights bit for bit, and gives the
/// JSON's logits and probabilities (float32 tolerance 1e-5, ../README.md).
/// </summary>
public sealed class KerasFixtureTests
{
    public static TheoryData<string, string> Files()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Factories.Keys)
        {
            foreach (string extension in new[] { ".weights.h5", ".keras", ".h5" })
            {
                data.Add(name, extension);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<IRnnModel>> Factories = new()
    {
        ["simple_rnn_tanh_S1"] = static () => new SimpleRnnS1(seed: 1),
        ["lstm_S1"] = static () => new LstmS1(seed: 1),
        ["gru_reset_after_S1"] = static () => new GruS1(seed: 1),
        ["gru_reset_before_S2"] = static () => new GruResetBeforeS2(seed: 1),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void TheFileLoadsWithTheFixtureWeightsAndGivesItsOutputs(string name, string extension)
    {
        IRnnModel model = Factories[name]();
        model.LoadKeras(KerasPath(name, extension));

        AssertFixture(model, name);
    }

    /// <summary>The model holds the fixture's weights bit for bit and gives its logits and probabilities within 1e-5.</summary>
    internal static void AssertFixture(IRnnModel model, string name)
    {
        using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.SharedFolder(), "fixtures", $"{name}.json")));
        JsonElement root = fixture.RootElement;
        foreach (TensorInfo tensor in model.Description.Tensors)
        {
            double[] expected = Doubles(root.GetProperty("weights").GetProperty(tensor.Name).GetProperty("data"));
            ReadOnlySpan<float> actual = model.Parameters.Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True((double)actual[i] == expected[i], $"{tensor.Name}[{i}]: {actual[i]:R} is not the fixture's {expected[i]:R}");
            }
        }

        int[] tokens = [.. root.GetProperty("tokens").EnumerateArray().SelectMany(static row => row.EnumerateArray().Select(static t => t.GetInt32()))];
        double[] probabilities = Doubles(root.GetProperty("forward").GetProperty("probabilities"));
        double[] logits = Doubles(root.GetProperty("forward").GetProperty("logits"));
        float[] predicted = model.Predict(tokens);
        float[] predictedLogits = new float[logits.Length];
        model.PredictLogits(tokens, predictedLogits);
        for (int i = 0; i < probabilities.Length; i++)
        {
            Assert.InRange(Math.Abs(predicted[i] - probabilities[i]), 0, 1e-5);
            Assert.InRange(Math.Abs(predictedLogits[i] - logits[i]), 0, 1e-5);
        }
    }

    [Theory]
    [InlineData("simple_rnn_tanh_S1", "[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6)]")]
    [InlineData("lstm_S1", "[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm)]")]
    [InlineData("gru_reset_after_S1", "[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru)]")]
    [InlineData("gru_reset_before_S2", "[RnnModel(Vocab = 9, Embed = 3, Units = 16, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false)]")]
    public void TheConfigGivesTheMatchingAttribute(string name, string attribute)
    {
        Assert.Equal(attribute, KerasFiles.ReadArchitecture(KerasPath(name, ".keras")).ToAttribute());
        Assert.Equal(attribute, KerasFiles.ReadArchitecture(KerasPath(name, ".h5")).ToAttribute());
        Assert.Equal("3.13.2", KerasFiles.ReadArchitecture(KerasPath(name, ".keras")).KerasVersion);
        Assert.Equal("2.15.0", KerasFiles.ReadArchitecture(KerasPath(name, ".h5")).KerasVersion);

        // A weights file has no config: the shapes give all but the sequence length, which the caller supplies.
        KerasArchitecture inferred = KerasFiles.ReadArchitecture(KerasPath(name, ".weights.h5"));
        Assert.Null(inferred.SeqLen);
        Assert.Equal(attribute, inferred.ToAttribute(defaultSeqLen: name.EndsWith("S2", StringComparison.Ordinal) ? 4 : 6));
    }

    internal static string KerasPath(string name, string extension) => Path.Combine(TestData.SharedFolder(), "fixtures", "keras", name + extension);

    private static double[] Doubles(JsonElement array) =>
        [.. array.EnumerateArray().SelectMany(static v => v.ValueKind == JsonValueKind.Array ? Doubles(v) : [v.GetDouble()])];
}
