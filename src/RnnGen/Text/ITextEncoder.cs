namespace RnnGen.Text;

/// <summary>
/// What turns raw text into the ids a model was trained on. It is saved beside the weights, so that a text predicted
/// later gets exactly its training-time ids.
/// </summary>
public interface ITextEncoder
{
    /// <summary>The name recorded in a model folder, which says how to load the encoder back.</summary>
    string Kind { get; }

    /// <summary>The ids of every encoded text: the model's <c>SeqLen</c>.</summary>
    int SequenceLength { get; }

    /// <summary>Every id is below this: at most the model's <c>Vocab</c>.</summary>
    int VocabularySize { get; }

    /// <summary>Writes the <see cref="SequenceLength"/> ids of <paramref name="text"/>.</summary>
    void Encode(string text, Span<int> ids);

    /// <summary>Writes the encoder's files into <paramref name="folder"/>.</summary>
    void Save(string folder);
}
