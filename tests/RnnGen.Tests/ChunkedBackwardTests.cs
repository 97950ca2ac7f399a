namespace RnnGen.Tests;

/// <summary>
/// The backward pass runs in chunks of steps, last chunk first, and takes each chunk's weight gradients right after its
/// steps (MatrixOps.StepsPerBackwardChunk, generator/RnnGen.Generator/Emit/CellEmitter.cs). The chunk size depends on the
/// shard's row count: at 37 rows these models' backward has two or three chunks; a batch of one row has one chunk. The
/// loss is the mean over the batch, so the gradient of 37 rows must equal the mean of the 37 one-row gradients: a chunk
/// left out, taken twice or paired with the wrong steps would break that.
/// </summary>
public class ChunkedBackwardTests
{
    public static TheoryData<string> Models => new() { nameof(ChunkedLstm), nameof(ChunkedGruBefore), nameof(ChunkedMaskedGru), nameof(ChunkedRnn) };

    private static IRnnModel Create(string name) => name switch
    {
        nameof(ChunkedLstm) => new ChunkedLstm(seed: 4),
        nameof(ChunkedGruBefore) => new ChunkedGruBefore(seed: 4),
        nameof(ChunkedMaskedGru) => new ChunkedMaskedGru(seed: 4),
        nameof(ChunkedRnn) => new ChunkedRnn(seed: 4),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void TheGradientOfABatchInChunksIsTheMeanOfItsRowsGradients(string name)
    {
        const int Batch = 37;
        IRnnModel model = Create(name);
        ModelDescription description = model.Description;
        int gateWidth = description.Cell switch { RnnCell.Lstm => 4, RnnCell.Gru => 3, _ => 1 } * description.Units;
        Assert.True(
            RnnGen.Kernels.MatrixOps.StepsPerBackwardChunk((nint)Batch * gateWidth) < description.SeqLen,
            "the batch's backward must run in more than one chunk");
        Assert.True(RnnGen.Kernels.MatrixOps.StepsPerBackwardChunk(gateWidth) >= description.SeqLen, "a row's backward must run in one chunk");

        (int[] tokens, float[] labels) = TestData.RandomBatch(3, description.Vocab, description.SeqLen, Batch);
        if (description.MaskZero)
        {
            for (int t = 0; t < 5; t++)
            {
                tokens[(2 * description.SeqLen) + t] = 0; // one pre-padded row
            }
        }

        model.ComputeGradients(tokens, labels);
        float[] whole = model.Gradients.ToArray();

        double[] mean = new double[whole.Length];
        for (int b = 0; b < Batch; b++)
        {
            model.ComputeGradients(tokens.AsSpan(b * description.SeqLen, description.SeqLen), labels.AsSpan(b, 1));
            ReadOnlySpan<float> row = model.Gradients;
            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] += row[i] / (double)Batch;
            }
        }

        GradientAssert.Close(description, whole, mean, relative: 1e-5);
    }

    [Fact]
    public void AnUnrolledModelGivesTheBitsOfItsLoopedTwin()
    {
        const int Batch = 37;
        var looped = new ChunkedRnn(seed: 6);
        var unrolled = new ChunkedRnnUnrolled(seed: 6);
        Assert.Equal(looped.Parameters.ToArray(), unrolled.Parameters.ToArray());
        (int[] tokens, float[] labels) = TestData.RandomBatch(8, ChunkedRnn.Vocab, ChunkedRnn.SeqLen, Batch);

        Assert.Equal(looped.ComputeGradients(tokens, labels), unrolled.ComputeGradients(tokens, labels));
        Assert.Equal(looped.Gradients.ToArray(), unrolled.Gradients.ToArray());
    }

    /// <summary>
    /// Prediction keeps the gates of one forward chunk and reuses its slots chunk after chunk (CellEmitter's
    /// PredictionReusesGateChunk); training keeps every step's. At 37 rows these models' forward runs in chunks of 3-4
    /// steps, so the logits of prediction must equal those of the training forward pass bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void PredictionGivesTheLogitsOfTheTrainingForwardPass(string name)
    {
        const int Batch = 37;
        IRnnModel model = Create(name);
        ModelDescription description = model.Description;
        (int[] tokens, float[] labels) = TestData.RandomBatch(5, description.Vocab, description.SeqLen, Batch);
        float[] before = new float[Batch], after = new float[Batch];
        model.PredictLogits(tokens, before); // before a training pass: nothing left behind to reuse
        model.ComputeGradients(tokens, labels);
        float[] training = model.Logits.ToArray();
        model.PredictLogits(tokens, after); // after one: the slots hold the training pass's values
        Assert.Equal(training, before);
        Assert.Equal(training, after);
    }
}
