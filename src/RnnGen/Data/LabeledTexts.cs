using RnnGen.Initialization;
using RnnGen.Text;

namespace RnnGen.Data;

/// <summary>
/// Labeled texts as read from the user's files (<see cref="TextData"/>): the texts, their class ids, and the class
/// names the ids stand for, which travel with the trained model.
/// </summary>
public sealed class LabeledTexts
{
    /// <summary>Creates the set, checking that every label is a class id.</summary>
    public LabeledTexts(IReadOnlyList<string> texts, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (texts.Count != labels.Count)
        {
            throw new ArgumentException($"{texts.Count} texts and {labels.Count} labels: there must be one label per text.", nameof(labels));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} of text {i} is not a class id in [0, {classNames.Count}).");
            }
        }

        Texts = texts;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>The texts, as read.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The class id of every text, an index into <see cref="ClassNames"/>.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The classes, by id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of texts.</summary>
    public int Count => Texts.Count;

    /// <summary>
    /// Keras' <c>validation_split</c> of a file list: one seeded shuffle of all texts, then the last
    /// <c>int(fraction·n)</c> to validation and the rest to training. The shuffle is this library's seeded generator
    /// (numpy's cannot be reproduced here), so a seed gives the same split on every machine.
    /// </summary>
    public (LabeledTexts Train, LabeledTexts Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        }

        int[] order = Enumerable.Range(0, Count).ToArray();
        var random = new RnnRandom(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int validation = (int)(validationFraction * Count);
        return (Take(order.AsSpan(0, Count - validation)), Take(order.AsSpan(Count - validation)));
    }

    /// <summary>The texts as token ids of <paramref name="encoder"/> (a <see cref="TextVectorizer"/>) with float class ids, as a model trains on them.</summary>
    public SequenceDataset Encode(ITextEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        int seqLen = encoder.SequenceLength;
        int[] tokens = new int[checked(Count * seqLen)];
        for (int i = 0; i < Count; i++)
        {
            encoder.Encode(Texts[i], tokens.AsSpan(i * seqLen, seqLen));
        }

        float[] labels = new float[Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = Labels[i];
        }

        return new SequenceDataset(tokens, labels, seqLen);
    }

    private LabeledTexts Take(ReadOnlySpan<int> indices)
    {
        string[] texts = new string[indices.Length];
        int[] labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            texts[i] = Texts[indices[i]];
            labels[i] = Labels[indices[i]];
        }

        return new LabeledTexts(texts, labels, ClassNames);
    }
}
