using System.Collections.Immutable;
using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;

namespace RnnGen.Training.Tests;

/// <summary>
/// A hand-written <see cref="IRnnModel"/> small enough to check by hand: a bag-of-embeddings logistic regression,
/// <c>z = mean_t(E[x_t])·w + b</c>, with its exact gradient. It stands in for a generated model: same contract, same
/// Keras tensor names, a real gradient, so Fit really learns.
/// </summary>
internal sealed class TinyModel : IRnnModel
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;
    private readonly float[] _logits;
    private readonly float[] _hidden; // [batch, embed]
    private readonly int _embeddingsOffset;
    private readonly int _kernelOffset;
    private readonly int _biasOffset;
    private int _lastBatch;

    public TinyModel(int vocab = 20, int embed = 4, int seqLen = 6, long seed = 7, bool exposeLogits = true, string denseName = "dense",
        RnnActivation activation = RnnActivation.Tanh, int maxBatch = 256)
    {
        Vocab = vocab;
        Embed = embed;
        SeqLen = seqLen;
        ExposeLogits = exposeLogits;
        _embeddingsOffset = 0;
        _kernelOffset = vocab * embed;
        _biasOffset = _kernelOffset + embed;
        Description = new ModelDescription(
            "TinyModel", vocab, embed, embed, 1, seqLen, RnnCell.SimpleRnn, activation,
            [
                new TensorInfo("embedding/embeddings", _embeddingsOffset, vocab, embed, 2),
                new TensorInfo($"{denseName}/kernel", _kernelOffset, embed, 1, 2),
                new TensorInfo($"{denseName}/bias", _biasOffset, 1, 1, 1),
            ]);
        _parameters = new float[Description.ParameterCount];
        _gradients = new float[_parameters.Length];
        _logits = new float[maxBatch];
        _hidden = new float[maxBatch * embed];
        var random = new RnnRandom(seed);
        Initializers.Uniform(_parameters.AsSpan(0, vocab * embed), -0.05f, 0.05f, random);
        Initializers.GlorotUniform(_parameters.AsSpan(_kernelOffset, embed), embed, 1, random);
    }

    public int Vocab { get; }

    public int Embed { get; }

    public int SeqLen { get; }

    public bool ExposeLogits { get; }

    /// <summary>Called at the start of every TrainStep with the 1-based number of the step.</summary>
    public Action<int>? OnTrainStep { get; set; }

    public int TrainSteps { get; private set; }

    public int PredictCalls { get; private set; }

    public ModelDescription Description { get; }

    public Span<float> Parameters => _parameters;

    public ReadOnlySpan<float> Gradients => _gradients;

    public ReadOnlySpan<float> Logits => ExposeLogits ? _logits.AsSpan(0, _lastBatch) : [];

    public float ComputeGradients(ReadOnlySpan<int> tokens, ReadOnlySpan<float> labels)
    {
        int batch = ModelInput.CheckTokens(tokens, Vocab, SeqLen);
        ModelInput.CheckLabels(labels, batch);
        Forward(tokens, batch, _logits);
        _lastBatch = batch;
        Array.Clear(_gradients);
        Span<float> dLogits = stackalloc float[batch];
        float loss = BinaryCrossEntropy.MeanLossAndGradient(_logits.AsSpan(0, batch), labels, dLogits);
        for (int b = 0; b < batch; b++)
        {
            float dz = dLogits[b];
            _gradients[_biasOffset] += dz;
            for (int e = 0; e < Embed; e++)
            {
                _gradients[_kernelOffset + e] += dz * _hidden[(b * Embed) + e];
                float dHidden = dz * _parameters[_kernelOffset + e] / SeqLen;
                for (int t = 0; t < SeqLen; t++)
                {
                    _gradients[_embeddingsOffset + (tokens[(b * SeqLen) + t] * Embed) + e] += dHidden;
                }
            }
        }

        return loss;
    }

    public float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<float> labels, Optimizer optimizer)
    {
        TrainSteps++;
        OnTrainStep?.Invoke(TrainSteps);
        float loss = ComputeGradients(tokens, labels);
        optimizer.Step(_parameters, _gradients);
        return loss;
    }

    public void PredictLogits(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        PredictCalls++;
        int batch = ModelInput.CheckTokens(tokens, Vocab, SeqLen);
        ModelInput.CheckOutput(logits.Length, batch, nameof(logits));
        Forward(tokens, batch, logits);
    }

    public void Predict(ReadOnlySpan<int> tokens, Span<float> probabilities)
    {
        PredictLogits(tokens, probabilities);
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = BinaryCrossEntropy.Sigmoid(probabilities[i]);
        }
    }

    public float[] Predict(ReadOnlySpan<int> tokens)
    {
        var probabilities = new float[tokens.Length / Description.SeqLen];
        Predict(tokens, probabilities);
        return probabilities;
    }

    public int Threads { get; set; } = 1;

    public string Summary() => $"TinyModel: {Description.ParameterCount} parameters";

    private void Forward(ReadOnlySpan<int> tokens, int batch, Span<float> logits)
    {
        for (int b = 0; b < batch; b++)
        {
            Span<float> hidden = _hidden.AsSpan(b * Embed, Embed);
            hidden.Clear();
            for (int t = 0; t < SeqLen; t++)
            {
                ReadOnlySpan<float> row = _parameters.AsSpan(_embeddingsOffset + (tokens[(b * SeqLen) + t] * Embed), Embed);
                for (int e = 0; e < Embed; e++)
                {
                    hidden[e] += row[e] / SeqLen;
                }
            }

            float z = _parameters[_biasOffset];
            for (int e = 0; e < Embed; e++)
            {
                z += hidden[e] * _parameters[_kernelOffset + e];
            }

            logits[b] = z;
        }
    }
}
