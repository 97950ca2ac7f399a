using RnnGen;

namespace MyClassifier;

/// <summary>
/// The model: Embedding(Vocab, 64) → RNNGEN_CELL(64) → Dense(Classes). Change the shapes here; the generator writes the
/// forward and backward passes for exactly these sizes when you build.
/// </summary>
[RnnModel(Vocab = RNNGEN_VOCAB, Embed = 64, Units = 64, SeqLen = RNNGEN_SEQLEN, Cell = RnnCell.RNNGEN_CELL, Classes = RNNGEN_CLASSES)]
public partial class TextModel
{
}
