using RnnGen.Checkpoints;
using RnnGen.Optimizers;

namespace RnnGen.Tests;

/// <summary>Checkpoints of generated models: every cell's tensors round-trip, and a resumed run with dropout is bit-identical.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rnngen-checkpoint-tests-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(nameof(S1Lstm))]
    [InlineData(nameof(S1GruAfter))]
    [InlineData(nameof(S1GruBefore))]
    [InlineData(nameof(S1Relu))]
    [InlineData(nameof(S1LstmBidi))]
    [InlineData(nameof(S1GruBeforeBidi))]
    public void EveryCellRoundTrips(string name)
    {
        IRnnModel model = ReferenceAgreementTests.Create(name);
        TestData.RandomizeWeights(model, seed: 3);
        string path = Path.Combine(_folder, name + ".safetensors");
        Checkpoint.Save(path, model);
        Assert.Equal(model.Description.Tensors.Select(static t => (t.Name, t.ShapeText)), Checkpoint.ReadHeader(path).Tensors.Select(static t => (t.Name, t.ShapeText)));
        IRnnModel loaded = ReferenceAgreementTests.Create(name);
        Checkpoint.Load(path, loaded);
        Assert.True(loaded.Parameters.SequenceEqual(model.Parameters));
    }

    [Fact]
    public void LoadingAnotherCellNamesTheTensorAndBothShapes()
    {
        string path = Path.Combine(_folder, "gru.safetensors");
        Checkpoint.Save(path, new S1GruAfter());
        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new S1GruBefore()));
        Assert.Contains("gru/bias", error.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 21)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(21,)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Bidirectional_checkpoint_holds_both_copies_under_their_Keras_names_and_is_refused_by_a_plain_model()
    {
        string path = Path.Combine(_folder, "bidirectional.safetensors");
        Checkpoint.Save(path, new S1LstmBidi());
        string[] names = [.. Checkpoint.ReadHeader(path).Tensors.Select(static t => t.Name)];
        Assert.Contains("bidirectional/forward_lstm/kernel", names);
        Assert.Contains("bidirectional/backward_lstm/recurrent_kernel", names);
        Assert.Contains("bidirectional_1/backward_lstm_1/bias", names);
        Assert.Equal(new[] { 14, 1 }, Checkpoint.ReadHeader(path).Tensors.Single(static t => t.Name == "dense/kernel").Shape);
        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new S1Lstm()));
        Assert.Contains("lstm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumingWithDropoutIsBitIdentical()
    {
        (int[] tokens, float[] labels) = TestData.RandomBatch(5, LstmDropout.Vocab, LstmDropout.SeqLen, 9);
        var straight = new LstmDropout(seed: 2);
        var straightOptimizer = new Adam(1e-2f);
        for (int i = 0; i < 4; i++)
        {
            straight.TrainStep(tokens, labels, straightOptimizer);
        }

        var first = new LstmDropout(seed: 2);
        var firstOptimizer = new Adam(1e-2f);
        first.TrainStep(tokens, labels, firstOptimizer);
        first.TrainStep(tokens, labels, firstOptimizer);
        string path = Path.Combine(_folder, "resume.safetensors");
        Checkpoint.Save(path, first, firstOptimizer);

        var resumed = new LstmDropout(seed: 99); // other initial weights and another dropout stream, both replaced by the checkpoint
        var resumedOptimizer = new Adam(1e-2f);
        Checkpoint.Load(path, resumed, resumedOptimizer);
        resumed.TrainStep(tokens, labels, resumedOptimizer);
        resumed.TrainStep(tokens, labels, resumedOptimizer);

        Assert.True(resumed.Parameters.SequenceEqual(straight.Parameters), "the resumed run's weights differ from the uninterrupted run's");
    }
}
