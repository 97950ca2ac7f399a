namespace RnnGen.Tests;

/// <summary>The generated public surface: summary, tensor table, input checks.</summary>
public class ModelSurfaceTests
{
    [Fact]
    public void SeedModelSummaryMatchesKeras()
    {
        string expected = string.Join('\n',
        [
            "Model: \"SeedModel\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " embedding (Embedding)       (None, 80, 100)           1000000   ",
            "                                                                 ",
            " simple_rnn (SimpleRNN)      (None, 80, 64)            10560     ",
            "                                                                 ",
            " simple_rnn_1 (SimpleRNN)    (None, 64)                8256      ",
            "                                                                 ",
            " dense (Dense)               (None, 1)                 65        ",
            "                                                                 ",
            "=================================================================",
            "Total params: 1,018,881",
            "Trainable params: 1,018,881",
            "Non-trainable params: 0",
            "_________________________________________________________________",
            string.Empty,
        ]);
        Assert.Equal(expected, new SeedModel().Summary());
        Assert.Equal(1_018_881, SeedModel.ParameterCount);
    }

    [Theory]
    [InlineData(nameof(ImdbLstm), " lstm (LSTM)                 (None, 32)                8320      ", "Total params: 328,353")]
    [InlineData(nameof(ImdbGru), " gru (GRU)                   (None, 32)                6336      ", "Total params: 326,369")]
    [InlineData(nameof(ImdbGruBefore), " gru (GRU)                   (None, 32)                6240      ", "Total params: 326,273")]
    public void GatedSummariesMatchKerasCounts(string model, string layerRow, string total)
    {
        IRnnModel instance = model switch
        {
            nameof(ImdbLstm) => new ImdbLstm(),
            nameof(ImdbGru) => new ImdbGru(),
            _ => new ImdbGruBefore(),
        };
        string summary = instance.Summary();
        Assert.Contains(" embedding (Embedding)       (None, 500, 32)           320000    \n", summary, StringComparison.Ordinal);
        Assert.Contains(layerRow + "\n", summary, StringComparison.Ordinal);
        Assert.Contains(" dense (Dense)               (None, 1)                 33        \n", summary, StringComparison.Ordinal);
        Assert.Contains(total + "\n", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Bidirectional_summaries_and_counts_match_Keras()
    {
        string one = new ImdbBiLstm().Summary();
        Assert.Contains(" bidirectional (Bidirection  (None, 64)                16640     \n al)                                                             \n", one, StringComparison.Ordinal);
        Assert.Contains(" dense (Dense)               (None, 1)                 65        \n", one, StringComparison.Ordinal);
        Assert.Equal(336_705, ImdbBiLstm.ParameterCount);

        string two = new KerasIoBiLstm().Summary();
        Assert.Contains(" bidirectional (Bidirection  (None, 200, 128)          98816     \n", two, StringComparison.Ordinal);
        Assert.Contains(" bidirectional_1 (Bidirecti  (None, 128)               98816     \n onal)", two, StringComparison.Ordinal);
        Assert.Contains("Total params: 2,757,761\n", two, StringComparison.Ordinal);
        Assert.Equal(
            ["embedding/embeddings", "bidirectional/forward_lstm/kernel", "bidirectional/forward_lstm/recurrent_kernel", "bidirectional/forward_lstm/bias",
             "bidirectional/backward_lstm/kernel", "bidirectional/backward_lstm/recurrent_kernel", "bidirectional/backward_lstm/bias",
             "bidirectional_1/forward_lstm_1/kernel", "bidirectional_1/forward_lstm_1/recurrent_kernel", "bidirectional_1/forward_lstm_1/bias",
             "bidirectional_1/backward_lstm_1/kernel", "bidirectional_1/backward_lstm_1/recurrent_kernel", "bidirectional_1/backward_lstm_1/bias",
             "dense/kernel", "dense/bias"],
            KerasIoBiLstm.Description.Tensors.Select(static t => t.Name));
        Assert.Equal("(128, 256)", KerasIoBiLstm.Description.FindTensor("bidirectional_1/backward_lstm_1/kernel")!.ShapeText);
        Assert.Equal("(128, 1)", KerasIoBiLstm.Description.FindTensor("dense/kernel")!.ShapeText);
        Assert.EndsWith(" mask_zero bidirectional", ImdbBiLstm.Description.SpecText, StringComparison.Ordinal);
    }

    [Fact]
    public void GatedTensorsHaveKerasShapesAndInitializers()
    {
        Assert.Equal(
            [("embedding/embeddings", "(10000, 32)"), ("lstm/kernel", "(32, 128)"), ("lstm/recurrent_kernel", "(32, 128)"), ("lstm/bias", "(128,)"), ("dense/kernel", "(32, 1)"), ("dense/bias", "(1,)")],
            ImdbLstm.Description.Tensors.Select(static t => (t.Name, t.ShapeText)));
        Assert.Equal("(2, 96)", ImdbGru.Description.FindTensor("gru/bias")!.ShapeText);
        Assert.Equal("(96,)", ImdbGruBefore.Description.FindTensor("gru/bias")!.ShapeText);

        var lstm = new ImdbLstm(seed: 3);
        float[] bias = lstm.LstmBias.ToArray();
        Assert.All(bias[..32], static b => Assert.Equal(0f, b));
        Assert.All(bias[32..64], static b => Assert.Equal(1f, b)); // unit_forget_bias
        Assert.All(bias[64..], static b => Assert.Equal(0f, b));
        float limit = MathF.Sqrt(6f / (32 + 128)); // glorot over the fused (d, 4u) kernel
        Assert.All(lstm.LstmKernel.ToArray(), w => Assert.InRange(w, -limit, limit));
        Assert.True(lstm.LstmKernel.ToArray().Max(MathF.Abs) > 0.9f * limit);
        InitializerTests.AssertOrthonormalRows(lstm.LstmRecurrentKernel, 32, 128); // orthogonal over the whole (u, 4u)
        Assert.All(new ImdbGru(seed: 3).GruBias.ToArray(), static b => Assert.Equal(0f, b));
    }

    [Fact]
    public void TensorTableUsesKerasNamesShapesAndOrder()
    {
        Assert.Equal(
            [
                ("embedding/embeddings", "(10000, 100)"),
                ("simple_rnn/kernel", "(100, 64)"),
                ("simple_rnn/recurrent_kernel", "(64, 64)"),
                ("simple_rnn/bias", "(64,)"),
                ("simple_rnn_1/kernel", "(64, 64)"),
                ("simple_rnn_1/recurrent_kernel", "(64, 64)"),
                ("simple_rnn_1/bias", "(64,)"),
                ("dense/kernel", "(64, 1)"),
                ("dense/bias", "(1,)"),
            ],
            SeedModel.Description.Tensors.Select(static t => (t.Name, t.ShapeText)));
        int offset = 0;
        foreach (TensorInfo tensor in SeedModel.Description.Tensors)
        {
            Assert.Equal(offset, tensor.Offset);
            offset += tensor.Length;
        }

        Assert.Equal(SeedModel.ParameterCount, offset);
        var model = new SeedModel();
        model.SimpleRnn1Bias[3] = 42;
        Assert.Equal(42, model.Parameters[SeedModel.Description.FindTensor("simple_rnn_1/bias")!.Offset + 3]);
    }

    [Fact]
    public void OutOfRangeTokenIsRejectedWithItsPosition()
    {
        var model = new S1Tanh();
        int[] tokens = new int[2 * S1Tanh.SeqLen];
        tokens[S1Tanh.SeqLen + 4] = S1Tanh.Vocab;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(tokens));
        Assert.Contains("Token id 11 at sample 1, position 4 is outside the vocabulary [0, 11)", error.Message);
        tokens[S1Tanh.SeqLen + 4] = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(tokens, [0, 1]));
    }

    [Fact]
    public void BadBatchShapesAreRejected()
    {
        var model = new S1Tanh();
        Assert.Contains("multiple of 6", Assert.Throws<ArgumentException>(() => model.Predict(new int[7])).Message);
        Assert.Throws<ArgumentException>(() => model.Predict(ReadOnlySpan<int>.Empty));
        Assert.Contains("3 labels were given for a batch of 2", Assert.Throws<ArgumentException>(() => model.ComputeGradients(new int[12], [0, 1, 1])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(new int[12], [0, 2]));
        Assert.Throws<ArgumentException>(() => model.PredictLogits(new int[12], new float[3]));
    }
}
