using RnnGen.Data;
using RnnGen.Execution;

namespace RnnGen.Training;

/// <summary>The token, label and logit buffers of one batch, allocated once per run and reused by every batch.</summary>
internal sealed class BatchBuffers
{
    private readonly int _batchSize;
    private readonly int _seqLen;
    private readonly int[] _tokens;   // [batchSize, seqLen]
    private readonly float[] _labels; // [batchSize]
    private readonly float[] _logits; // [batchSize, classes]
    private readonly int _classes;

    public BatchBuffers(int batchSize, int seqLen, int classes)
    {
        _batchSize = batchSize;
        _seqLen = seqLen;
        _classes = classes;
        _tokens = new int[batchSize * seqLen];
        _labels = new float[batchSize];
        _logits = new float[batchSize * classes];
    }

    public ReadOnlySpan<int> Tokens(int count) => _tokens.AsSpan(0, count * _seqLen);

    public ReadOnlySpan<float> Labels(int count) => _labels.AsSpan(0, count);

    public Span<float> Logits(int count) => _logits.AsSpan(0, count * _classes);

    /// <summary>Copies the samples <c>order[start..]</c> (at most a batch) into the buffers and returns their number.</summary>
    public int Gather(SequenceDataset data, ReadOnlySpan<int> order, int start)
    {
        int count = Math.Min(_batchSize, order.Length - start);
        for (int i = 0; i < count; i++)
        {
            int sample = order[start + i];
            data.Sequence(sample).CopyTo(_tokens.AsSpan(i * _seqLen, _seqLen));
            _labels[i] = data.Labels[sample];
        }

        return count;
    }

    /// <summary>Copies the contiguous samples [start, start + batch) into the buffers and returns their number.</summary>
    public int GatherRange(SequenceDataset data, int start)
    {
        int count = Math.Min(_batchSize, data.Count - start);
        data.Tokens.AsSpan(start * _seqLen, count * _seqLen).CopyTo(_tokens);
        data.Labels.AsSpan(start, count).CopyTo(_labels);
        return count;
    }

    /// <summary>The mean loss (summed per sample in double) and the accuracy over <paramref name="data"/>, in order.</summary>
    public (double Loss, double Accuracy) Evaluate(IRnnModel model, SequenceDataset data)
    {
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += _batchSize)
        {
            int count = GatherRange(data, start);
            Span<float> logits = Logits(count);
            model.PredictLogits(Tokens(count), logits);
            ReadOnlySpan<float> labels = Labels(count);
            for (int i = 0; i < count; i++)
            {
                lossSum += ClassificationHead.Loss(logits.Slice(i * _classes, _classes), labels[i]);
            }

            correct += ClassificationHead.CountCorrect(logits, labels);
        }

        return (lossSum / data.Count, (double)correct / data.Count);
    }
}
