using System.Collections.Immutable;
using RnnGen.Optimizers;

namespace RnnGen.Training.Tests;

/// <summary>
/// A model whose outputs are scripted, for testing the trainer's bookkeeping: TrainStep returns the next scripted loss,
/// logits come from the first token of each sample (token 1: +1, else −1), and every batch it sees is recorded.
/// It has one parameter, so that optimizers and checkpoints work.
/// </summary>
internal sealed class StubModel(int seqLen = 2, int vocab = 1000) : IRnnModel
{
    private readonly float[] _parameters = new float[1];
    private readonly float[] _gradients = new float[1];
    private readonly float[] _logits = new float[4096];
    private int _lastBatch;

    /// <summary>Whether <see cref="Logits"/> returns the logits of the last TrainStep (as a generated model does).</summary>
    public bool ExposeLogits { get; set; }

    public Func<int, float> LossOfStep { get; set; } = _ => 0.5f;

    public List<int[]> TrainingBatches { get; } = [];

    public List<int[]> PredictBatches { get; } = [];

    public bool Record { get; set; } = true;

    public int Steps { get; private set; }

    public ModelDescription Description { get; } = new(
        "StubModel", vocab, 1, 1, 1, seqLen, RnnCell.SimpleRnn, RnnActivation.Tanh,
        [new TensorInfo("dense/bias", 0, 1, 1, 1)]);

    public Span<float> Parameters => _parameters;

    public ReadOnlySpan<float> Gradients => _gradients;

    public ReadOnlySpan<float> Logits => ExposeLogits ? _logits.AsSpan(0, _lastBatch) : [];

    public float ComputeGradients(ReadOnlySpan<int> tokens, ReadOnlySpan<float> labels) => LossOfStep(Steps);

    public float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<float> labels, Optimizer optimizer)
    {
        if (Record)
        {
            TrainingBatches.Add(tokens.ToArray());
        }

        _lastBatch = tokens.Length / Description.SeqLen;
        Score(tokens, _logits.AsSpan(0, _lastBatch));
        return LossOfStep(Steps++);
    }

    public void PredictLogits(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        if (Record)
        {
            PredictBatches.Add(tokens.ToArray());
        }

        Score(tokens, logits);
    }

    public void Predict(ReadOnlySpan<int> tokens, Span<float> probabilities) => PredictLogits(tokens, probabilities);

    public float[] Predict(ReadOnlySpan<int> tokens)
    {
        var probabilities = new float[tokens.Length / Description.SeqLen];
        Predict(tokens, probabilities);
        return probabilities;
    }

    public int Threads { get; set; } = 1;

    public string Summary() => "StubModel";

    private void Score(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = tokens[i * Description.SeqLen] == 1 ? 1f : -1f;
        }
    }
}
