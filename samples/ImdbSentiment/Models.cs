using RnnGen;

namespace ImdbSample;

/// <summary>
/// The seed model: Embedding(10000, 100) → SimpleRNN(64, return_sequences) → SimpleRNN(64) → Dense(1, sigmoid), over the
/// last 80 tokens of each review; 1,018,881 parameters. The Keras original reached about 0.80 test accuracy.
/// </summary>
[RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
public partial class ImdbSentiment
{
}

/// <summary>The seeds' second setup: Embedding(10000, 32) → SimpleRNN(32) → Dense(1, sigmoid) over 500 tokens; 322,113 parameters.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.SimpleRnn)]
public partial class ImdbSimpleRnn
{
}

/// <summary>The second setup with LSTM(32) (gate order i, f, c, o; unit_forget_bias); 328,353 parameters.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm)]
public partial class ImdbLstm
{
}

/// <summary>The second setup with GRU(32), Keras 2+/3's reset_after form; 6,336 recurrent parameters, 326,369 in all.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Gru)]
public partial class ImdbGru
{
}

/// <summary>
/// The second setup with LSTM(32) and Keras' <c>mask_zero=True</c>: padding carries the state over instead of running
/// through it, so a short review is read as itself; 328,353 parameters, as unmasked.
/// </summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm, MaskZero = true)]
public partial class ImdbLstmMasked
{
}

/// <summary>
/// The masked second setup made bidirectional: Embedding(10000, 32, mask_zero=True) → Bidirectional(LSTM(32,
/// dropout=0.2)) → Dense(1, sigmoid) over 500 tokens; the head reads [f | b], the forward state after the last word and
/// the backward state after the first; 336,705 parameters. Without the input dropout it overfits after 2-5 epochs.
/// </summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true, Dropout = 0.2)]
public partial class ImdbBiLstm
{
}

/// <summary>
/// The rating model: the star rating of a review as one of 8 classes (1-4 and 7-10 stars; the dataset has no 5 or 6),
/// Embedding(20000, 64, mask_zero=True) → Bidirectional(GRU(128, dropout=0.3)) → Dense(8, softmax) over the last 500
/// tokens; 1,431,048 parameters. Masked and bidirectional, it reads a review's start and end as well as a long one's
/// middle: against GRU(64) over 300 tokens, accuracy 0.414 → 0.442, within one star 0.615 → 0.655, MAE 1.54 → 1.44.
/// </summary>
[RnnModel(Vocab = 20000, Embed = 64, Units = 128, Layers = 1, SeqLen = 500, Cell = RnnCell.Gru, Dropout = 0.3, Classes = 8, MaskZero = true, Bidirectional = true)]
public partial class ImdbRating
{
}

