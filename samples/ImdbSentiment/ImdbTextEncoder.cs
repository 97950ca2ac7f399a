using RnnGen.Data;
using RnnGen.Text;

namespace ImdbSample;

/// <summary>
/// The IMDB path's text encoding (the saved vocabulary, Keras' IMDB ids, the folder's num_words, skip_top, padding and
/// truncation) as an <see cref="ITextEncoder"/>, so the runtime's <c>TextClassifier</c> and <c>TextPredictor</c> serve
/// the sample's model folders with exactly the ids <c>predict</c> computes.
/// </summary>
internal sealed class ImdbTextEncoder(Vocabulary vocabulary, ImdbOptions options) : ITextEncoder
{
    public string Kind => "imdb-vocabulary";

    public int SequenceLength => options.SeqLen;

    // Ids are below num_words, or below the vocabulary's last id where there is no limit.
    public int VocabularySize => options.NumWords ?? vocabulary.Count + Vocabulary.IndexFrom;

    public void Encode(string text, Span<int> ids) => ImdbDataset.EncodeText(text, vocabulary, options).CopyTo(ids);

    // The folder already holds vocabulary.txt and model.json, which are this encoder.
    public void Save(string folder) => throw new NotSupportedException("An IMDB model folder is written by train.");
}
