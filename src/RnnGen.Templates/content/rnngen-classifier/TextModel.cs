using RnnGen;

namespace MyClassifier;

/// <summary>
/// The model: Embedding(Vocab, 64, mask_zero=True) → RNNGEN_CELL(64) → Dense(Classes). Change the shapes here; the
/// generator writes the forward and backward passes for exactly these sizes when you build. MaskZero makes the padding
/// that TextVectorization appends to short texts invisible to the model.
/// </summary>
[RnnModel(Vocab = RNNGEN_VOCAB, Embed = 64, Units = 64, SeqLen = RNNGEN_SEQLEN, Cell = RnnCell.RNNGEN_CELL, Classes = RNNGEN_CLASSES, MaskZero = true)]
public partial class TextModel
{
}
