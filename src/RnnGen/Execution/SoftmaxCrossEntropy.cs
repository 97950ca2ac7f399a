namespace RnnGen.Execution;

/// <summary>
/// Keras' <c>Dense(N, activation="softmax")</c> with <c>SparseCategoricalCrossentropy()</c>, computed from the logits in
/// the stable log-sum-exp form (docs/keras-conventions.md, Loss and metrics): per sample
/// <c>ℓ = logsumexp(z) − z[y]</c> with <c>logsumexp(z) = max(z) + log Σ_j exp(z_j − max(z))</c>, and
/// <c>dℓ/dz = softmax(z) − onehot(y)</c>. Logits and probabilities are row-major <c>[batch, classes]</c>.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>The loss of one sample, in double: <c>logsumexp(z) − z[label]</c>.</summary>
    public static double Loss(ReadOnlySpan<float> logits, int label)
    {
        double max = Max(logits);
        double sum = 0;
        foreach (float z in logits)
        {
            sum += Math.Exp(z - max);
        }

        return max + Math.Log(sum) - logits[label];
    }

    /// <summary>The mean loss of a batch (summed per sample in double), with the labels checked as class ids.</summary>
    public static float MeanLoss(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, int classes)
    {
        CheckShape(logits, labels, classes);
        double sum = 0;
        for (int b = 0; b < labels.Length; b++)
        {
            sum += Loss(logits.Slice(b * classes, classes), (int)labels[b]);
        }

        return (float)(sum / labels.Length);
    }

    /// <summary>The mean loss, and its gradient <c>(softmax(z) − onehot(y)) / batch</c> into <paramref name="dLogits"/>.</summary>
    public static float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> dLogits, int classes)
    {
        float loss = MeanLoss(logits, labels, classes);
        float scale = 1f / labels.Length;
        logits.CopyTo(dLogits);
        for (int b = 0; b < labels.Length; b++)
        {
            Span<float> row = dLogits.Slice(b * classes, classes);
            SoftmaxRow(row);
            row[(int)labels[b]] -= 1f;
            for (int k = 0; k < classes; k++)
            {
                row[k] *= scale;
            }
        }

        return loss;
    }

    /// <summary>Turns every row of <c>[batch, classes]</c> logits into probabilities, in place.</summary>
    public static void SoftmaxInPlace(Span<float> logits, int classes)
    {
        for (int start = 0; start < logits.Length; start += classes)
        {
            SoftmaxRow(logits.Slice(start, classes));
        }
    }

    /// <summary>The class with the largest logit; the first one on ties (as argmax does).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int k = 1; k < logits.Length; k++)
        {
            if (logits[k] > logits[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>softmax(z) = exp(z − max z) / Σ exp(z − max z), scalar, so every vector width gives the same bits.</summary>
    private static void SoftmaxRow(Span<float> row)
    {
        float max = (float)Max(row);
        float sum = 0;
        for (int k = 0; k < row.Length; k++)
        {
            row[k] = MathF.Exp(row[k] - max);
            sum += row[k];
        }

        for (int k = 0; k < row.Length; k++)
        {
            row[k] /= sum;
        }
    }

    private static double Max(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float z in logits)
        {
            max = Math.Max(max, z);
        }

        return max;
    }

    private static void CheckShape(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, int classes)
    {
        if (labels.Length == 0 || logits.Length != labels.Length * classes)
        {
            throw new ArgumentException($"{labels.Length} labels for {logits.Length} logits of {classes} classes; there must be one label per row.");
        }
    }
}
