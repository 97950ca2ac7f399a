namespace RnnGen.Execution;

/// <summary>
/// What the Dense head's outputs mean, for code that serves both heads (training metrics, evaluation, prediction):
/// one logit per sample with sigmoid and binary cross-entropy (<c>classes</c> = 1), or one per class with softmax and
/// sparse categorical cross-entropy (<c>classes</c> ≥ 2, labels are class ids). Logits are <c>[batch, classes]</c>.
/// </summary>
public static class ClassificationHead
{
    /// <summary>The loss of one sample from its <c>classes</c> logits.</summary>
    public static double Loss(ReadOnlySpan<float> logits, float label) =>
        logits.Length == 1 ? BinaryCrossEntropy.Loss(logits[0], label) : SoftmaxCrossEntropy.Loss(logits, (int)label);

    /// <summary>The batch's mean loss and its gradient with respect to the logits.</summary>
    public static float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> dLogits, int classes) =>
        classes == 1
            ? BinaryCrossEntropy.MeanLossAndGradient(logits, labels, dLogits)
            : SoftmaxCrossEntropy.MeanLossAndGradient(logits, labels, dLogits, classes);

    /// <summary>Logits to probabilities in place: σ per sample, or softmax per row.</summary>
    public static void ToProbabilities(Span<float> logits, int classes)
    {
        if (classes == 1)
        {
            Kernels.Activations.SigmoidInPlace(logits);
        }
        else
        {
            SoftmaxCrossEntropy.SoftmaxInPlace(logits, classes);
        }
    }

    /// <summary>
    /// The samples classified right: Keras' <c>binary_accuracy</c> (<c>float(σ(z) &gt; 0.5) == y</c>, strict, on the
    /// float32 sigmoid) for one logit, <c>sparse_categorical_accuracy</c> (argmax, first on ties) for several.
    /// </summary>
    public static long CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        int classes = logits.Length / labels.Length;
        long correct = 0;
        for (int b = 0; b < labels.Length; b++)
        {
            float predicted = classes == 1
                ? (BinaryCrossEntropy.Sigmoid(logits[b]) > 0.5f ? 1f : 0f)
                : SoftmaxCrossEntropy.ArgMax(logits.Slice(b * classes, classes));
            if (predicted == labels[b])
            {
                correct++;
            }
        }

        return correct;
    }
}
