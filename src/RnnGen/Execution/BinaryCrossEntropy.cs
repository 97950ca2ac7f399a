namespace RnnGen.Execution;

/// <summary>
/// Binary cross-entropy computed from logits in the numerically stable form Keras uses on the TensorFlow backend
/// (docs/keras-conventions.md, Loss and metrics): <c>ℓ(z, y) = max(z, 0) − z·y + log(1 + e^(−|z|))</c>, averaged over the batch.
/// Its gradient is <c>dℓ/dz = (σ(z) − y)/batch</c>.
/// </summary>
public static class BinaryCrossEntropy
{
    /// <summary>The loss of one logit.</summary>
    public static double Loss(float logit, float label)
    {
        double z = logit;
        return Math.Max(z, 0) - (z * label) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
    }

    /// <summary>The logistic sigmoid, without overflow for large |z|.</summary>
    public static float Sigmoid(float z) => z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));

    /// <summary>The mean loss over the batch; the sum runs in double, in batch order.</summary>
    public static float MeanLoss(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        CheckLengths(logits, labels);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            sum += Loss(logits[i], labels[i]);
        }

        return (float)(sum / logits.Length);
    }

    /// <summary>Writes <c>(σ(z) − y)/batch</c> to <paramref name="dLogits"/> and returns the mean loss.</summary>
    public static float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> dLogits)
    {
        float loss = MeanLoss(logits, labels);
        float scale = 1f / logits.Length;
        for (int i = 0; i < logits.Length; i++)
        {
            dLogits[i] = (Sigmoid(logits[i]) - labels[i]) * scale;
        }

        return loss;
    }

    private static void CheckLengths(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        if (logits.Length != labels.Length || logits.Length == 0)
        {
            throw new ArgumentException($"{labels.Length} labels for {logits.Length} logits; both must be the (non-zero) batch size.");
        }
    }
}
