namespace RnnGen.Execution;

/// <summary>Checks of the token and label batches every generated entry point runs before touching its buffers.</summary>
public static class ModelInput
{
    /// <summary>
    /// Returns the batch size of a row-major <c>[batch, seqLen]</c> token batch after checking that every id is in
    /// <c>[0, vocab)</c>; a bad id is reported with its sample and position.
    /// </summary>
    public static int CheckTokens(ReadOnlySpan<int> tokens, int vocab, int seqLen)
    {
        if (tokens.Length == 0 || tokens.Length % seqLen != 0)
        {
            throw new ArgumentException(
                $"The token batch has {tokens.Length} ids; it must hold [batch, SeqLen = {seqLen}] ids, a non-zero multiple of {seqLen}. Pad or truncate each sequence to {seqLen} first.",
                nameof(tokens));
        }

        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocab)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(tokens),
                    tokens[i],
                    $"Token id {tokens[i]} at sample {i / seqLen}, position {i % seqLen} is outside the vocabulary [0, {vocab}).");
            }
        }

        return tokens.Length / seqLen;
    }

    /// <summary>Checks that there is one label per sample: in [0, 1] for one output, a class id in [0, classes) for several.</summary>
    public static void CheckLabels(ReadOnlySpan<float> labels, int batch, int classes)
    {
        if (classes == 1)
        {
            CheckLabels(labels, batch);
            return;
        }

        if (labels.Length != batch)
        {
            throw new ArgumentException($"{labels.Length} labels were given for a batch of {batch} samples.", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (!(labels[i] >= 0 && labels[i] < classes && labels[i] == MathF.Floor(labels[i])))
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} of sample {i} is not a class id in [0, {classes}).");
            }
        }
    }

    /// <summary>Checks that there is one label in [0, 1] per sample.</summary>
    public static void CheckLabels(ReadOnlySpan<float> labels, int batch)
    {
        if (labels.Length != batch)
        {
            throw new ArgumentException($"{labels.Length} labels were given for a batch of {batch} samples.", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (!(labels[i] >= 0 && labels[i] <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} of sample {i} is not in [0, 1].");
            }
        }
    }

    /// <summary>Checks that an output span has <paramref name="classes"/> elements per sample.</summary>
    public static void CheckOutput(int length, int batch, int classes, string name)
    {
        if (length != (long)batch * classes)
        {
            throw new ArgumentException(
                $"The output has room for {length} values, but the batch of {batch} samples has {(long)batch * classes} ({classes} classes each).", name);
        }
    }

    /// <summary>Checks that an output span has one element per sample.</summary>
    public static void CheckOutput(int length, int batch, string name)
    {
        if (length != batch)
        {
            throw new ArgumentException($"The output has room for {length} values, but the batch has {batch} samples.", name);
        }
    }
}
