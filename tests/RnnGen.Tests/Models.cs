namespace RnnGen.Tests;

/// <summary>The seed model: Embedding(10000, 100) + 2 × SimpleRNN(64) + Dense(1) = 1,018,881 parameters.</summary>
[RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
public partial class SeedModel
{
}

/// <summary>Fixture shape S1 (V 11, E 5, u 7, L 2, T 6), tanh.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6)]
public partial class S1Tanh
{
}

/// <summary>Fixture shape S1, relu.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Activation = RnnActivation.Relu)]
public partial class S1Relu
{
}

/// <summary>Fixture shape S2 (V 9, E 3, u 16, L 1, T 4), tanh: Embed narrower than one Vector128.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4)]
public partial class S2Tanh
{
}

/// <summary>Fixture shape S2, relu.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Activation = RnnActivation.Relu)]
public partial class S2Relu
{
}

/// <summary>Three layers, widths that are no multiple of any vector width (13 = 8 + 4 + 1 overlapping; 21 = 16 + 4 + 1).</summary>
[RnnModel(Vocab = 37, Embed = 13, Units = 21, Layers = 3, SeqLen = 5)]
public partial class OddShapes
{
}

/// <summary>A single time step: no recurrent product at all.</summary>
[RnnModel(Vocab = 20, Embed = 8, Units = 5, Layers = 2, SeqLen = 1)]
public partial class SingleStep
{
}

/// <summary>The time loop fully unrolled (Keras unroll=True).</summary>
[RnnModel(Vocab = 15, Embed = 6, Units = 9, Layers = 2, SeqLen = 4, Unroll = true, Activation = RnnActivation.Relu)]
public partial class Unrolled
{
}

/// <summary>385 = 24 × 16 + 1 columns: more tiles than registers, so the kernel splits columns into panels.</summary>
[RnnModel(Vocab = 10, Embed = 4, Units = 385, Layers = 1, SeqLen = 2)]
public partial class WidePanels
{
}

/// <summary>
/// 4 × 130 = 520 gate columns: 8 full panels of 64 on AVX-512 (and 32 of 16 on AVX2), which the kernels loop over
/// (KernelEmitter.LoopedPanelsFrom), then a tail panel with an overlapping tile.
/// </summary>
[RnnModel(Vocab = 10, Embed = 4, Units = 130, Layers = 1, SeqLen = 2, Cell = RnnCell.Lstm)]
public partial class LoopedPanels
{
}

/// <summary>The synthetic learning task's model.</summary>
[RnnModel(Vocab = 20, Embed = 8, Units = 16, Layers = 1, SeqLen = 12)]
public partial class MarkerDetector
{
}

/// <summary>Fixture shape S1, LSTM.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm)]
public partial class S1Lstm
{
}

/// <summary>Fixture shape S2, LSTM.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Lstm)]
public partial class S2Lstm
{
}

/// <summary>Fixture shape S1, GRU with reset_after (the default).</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru)]
public partial class S1GruAfter
{
}

/// <summary>Fixture shape S2, GRU with reset_after.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru)]
public partial class S2GruAfter
{
}

/// <summary>Fixture shape S1, GRU with reset_after = false.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class S1GruBefore
{
}

/// <summary>Fixture shape S2, GRU with reset_after = false.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class S2GruBefore
{
}

/// <summary>LSTM with Keras 2's hard_sigmoid gates, three layers, odd widths (4·11 = 44 gate columns).</summary>
[RnnModel(Vocab = 23, Embed = 9, Units = 11, Layers = 3, SeqLen = 5, Cell = RnnCell.Lstm, RecurrentActivation = RecurrentActivation.HardSigmoid)]
public partial class LstmHardOdd
{
}

/// <summary>GRU, unrolled, a single unit wider than the Vector128 (3·5 = 15 gate columns).</summary>
[RnnModel(Vocab = 13, Embed = 6, Units = 5, Layers = 2, SeqLen = 3, Cell = RnnCell.Gru, Unroll = true)]
public partial class GruUnrolled
{
}

/// <summary>GRU reset_before, one step only, hard_sigmoid.</summary>
[RnnModel(Vocab = 8, Embed = 4, Units = 6, Layers = 2, SeqLen = 1, Cell = RnnCell.Gru, ResetAfter = false, RecurrentActivation = RecurrentActivation.HardSigmoid)]
public partial class GruBeforeSingleStep
{
}

/// <summary>The seeds' second setup with LSTM: Embedding(10000, 32) + LSTM(32) + Dense(1).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm)]
public partial class ImdbLstm
{
}

/// <summary>The seeds' second setup with GRU (reset_after).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Gru)]
public partial class ImdbGru
{
}

/// <summary>The seeds' second setup with GRU (reset_after = false, Keras ≤ 2.2).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class ImdbGruBefore
{
}

/// <summary>SimpleRNN with input and recurrent dropout (one mask each).</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 4, Dropout = 0.3, RecurrentDropout = 0.25)]
public partial class RnnDropout
{
}

/// <summary>LSTM with input dropout only: one input mask shared by all four gates.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 4, Cell = RnnCell.Lstm, Dropout = 0.4)]
public partial class LstmInputDropout
{
}

/// <summary>LSTM with both dropouts: separate input and recurrent masks per gate.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 4, Cell = RnnCell.Lstm, Dropout = 0.2, RecurrentDropout = 0.3)]
public partial class LstmDropout
{
}

/// <summary>GRU (reset_after) with both dropouts.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 4, Cell = RnnCell.Gru, Dropout = 0.2, RecurrentDropout = 0.3)]
public partial class GruDropout
{
}

/// <summary>GRU (reset_after = false) with both dropouts: the candidate's r⊙(h⊙m_h).</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false, Dropout = 0.2, RecurrentDropout = 0.3)]
public partial class GruBeforeDropout
{
}

/// <summary>GRU (reset_after) with recurrent dropout only.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 1, SeqLen = 5, Cell = RnnCell.Gru, RecurrentDropout = 0.5)]
public partial class GruRecurrentDropout
{
}

/// <summary>Softmax fixture shape S1: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Classes = 4)]
public partial class S1TanhSoftmax
{
}

/// <summary>Softmax fixture shape S1: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Activation = RnnActivation.Relu, Classes = 4)]
public partial class S1ReluSoftmax
{
}

/// <summary>Softmax fixture shape S1: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm, Classes = 4)]
public partial class S1LstmSoftmax
{
}

/// <summary>Softmax fixture shape S1: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, Classes = 4)]
public partial class S1GruAfterSoftmax
{
}

/// <summary>Softmax fixture shape S1: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, ResetAfter = false, Classes = 4)]
public partial class S1GruBeforeSoftmax
{
}

/// <summary>Softmax fixture shape S2: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Classes = 4)]
public partial class S2TanhSoftmax
{
}

/// <summary>Softmax fixture shape S2: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Activation = RnnActivation.Relu, Classes = 4)]
public partial class S2ReluSoftmax
{
}

/// <summary>Softmax fixture shape S2: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Lstm, Classes = 4)]
public partial class S2LstmSoftmax
{
}

/// <summary>Softmax fixture shape S2: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, Classes = 4)]
public partial class S2GruAfterSoftmax
{
}

/// <summary>Softmax fixture shape S2: Dense(4) with softmax and sparse categorical cross-entropy.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false, Classes = 4)]
public partial class S2GruBeforeSoftmax
{
}

/// <summary>A small three-class model for gradient checks with dropout (the softmax head under every path).</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 4, Cell = RnnCell.Lstm, Classes = 3)]
public partial class ThreeClassLstm
{
}

/// <summary>The three-class marker task's model: which of the markers 1, 2, 3 does the sequence hold?</summary>
[RnnModel(Vocab = 20, Embed = 8, Units = 16, Layers = 1, SeqLen = 12, Cell = RnnCell.Gru, Classes = 3)]
public partial class MarkerClassifier
{
}

/// <summary>The shapes of <see cref="MarkerClassifier"/> with the sigmoid head, which its checkpoints must not fit.</summary>
[RnnModel(Vocab = 20, Embed = 8, Units = 16, Layers = 1, SeqLen = 12, Cell = RnnCell.Gru)]
public partial class MarkerDetectorGru
{
}

/// <summary>A support-ticket router with Keras' TextVectorization ids (post-padded): three teams.</summary>
[RnnModel(Vocab = 200, Embed = 16, Units = 16, SeqLen = 16, Cell = RnnCell.Gru, Classes = 3)]
public partial class TicketClassifier
{
}

/// <summary>The same texts with the sigmoid head.</summary>
[RnnModel(Vocab = 200, Embed = 8, Units = 8, SeqLen = 16)]
public partial class BinaryTickets
{
}

/// <summary>Masking fixture shape S1: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, MaskZero = true)]
public partial class S1TanhMasked
{
}

/// <summary>Masking fixture shape S1: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Activation = RnnActivation.Relu, MaskZero = true)]
public partial class S1ReluMasked
{
}

/// <summary>Masking fixture shape S1: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm, MaskZero = true)]
public partial class S1LstmMasked
{
}

/// <summary>Masking fixture shape S1: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, MaskZero = true)]
public partial class S1GruAfterMasked
{
}

/// <summary>Masking fixture shape S1: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, ResetAfter = false, MaskZero = true)]
public partial class S1GruBeforeMasked
{
}

/// <summary>Masking fixture shape S2: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, MaskZero = true)]
public partial class S2TanhMasked
{
}

/// <summary>Masking fixture shape S2: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Activation = RnnActivation.Relu, MaskZero = true)]
public partial class S2ReluMasked
{
}

/// <summary>Masking fixture shape S2: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Lstm, MaskZero = true)]
public partial class S2LstmMasked
{
}

/// <summary>Masking fixture shape S2: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, MaskZero = true)]
public partial class S2GruAfterMasked
{
}

/// <summary>Masking fixture shape S2: Embedding(mask_zero=True).</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false, MaskZero = true)]
public partial class S2GruBeforeMasked
{
}

/// <summary>Masking with both dropouts, two layers: the masked paths under every option.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 2, SeqLen = 7, Cell = RnnCell.Lstm, Dropout = 0.2, RecurrentDropout = 0.3, MaskZero = true)]
public partial class MaskedLstmDropout
{
}

/// <summary>Masking with a softmax head and a reset-before GRU over a longer sequence, unrolled.</summary>
[RnnModel(Vocab = 15, Embed = 4, Units = 5, Layers = 2, SeqLen = 9, Cell = RnnCell.Gru, ResetAfter = false, Classes = 3, Unroll = true, MaskZero = true)]
public partial class MaskedGruSoftmax
{
}

/// <summary>Bidirectional fixture shape S1: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Bidirectional = true)]
public partial class S1TanhBidi
{
}

/// <summary>Bidirectional fixture shape S1: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Activation = RnnActivation.Relu, Bidirectional = true)]
public partial class S1ReluBidi
{
}

/// <summary>Bidirectional fixture shape S1: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm, Bidirectional = true)]
public partial class S1LstmBidi
{
}

/// <summary>Bidirectional fixture shape S1: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, Bidirectional = true)]
public partial class S1GruAfterBidi
{
}

/// <summary>Bidirectional fixture shape S1: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, ResetAfter = false, Bidirectional = true)]
public partial class S1GruBeforeBidi
{
}

/// <summary>Bidirectional fixture shape S2: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Bidirectional = true)]
public partial class S2TanhBidi
{
}

/// <summary>Bidirectional fixture shape S2: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Activation = RnnActivation.Relu, Bidirectional = true)]
public partial class S2ReluBidi
{
}

/// <summary>Bidirectional fixture shape S2: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Lstm, Bidirectional = true)]
public partial class S2LstmBidi
{
}

/// <summary>Bidirectional fixture shape S2: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, Bidirectional = true)]
public partial class S2GruAfterBidi
{
}

/// <summary>Bidirectional fixture shape S2: Bidirectional(merge_mode="concat").</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false, Bidirectional = true)]
public partial class S2GruBeforeBidi
{
}

/// <summary>Bidirectional fixture shape S1: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, MaskZero = true, Bidirectional = true)]
public partial class S1TanhBidiMasked
{
}

/// <summary>Bidirectional fixture shape S1: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Activation = RnnActivation.Relu, MaskZero = true, Bidirectional = true)]
public partial class S1ReluBidiMasked
{
}

/// <summary>Bidirectional fixture shape S1: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
public partial class S1LstmBidiMasked
{
}

/// <summary>Bidirectional fixture shape S1: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, MaskZero = true, Bidirectional = true)]
public partial class S1GruAfterBidiMasked
{
}

/// <summary>Bidirectional fixture shape S1: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru, ResetAfter = false, MaskZero = true, Bidirectional = true)]
public partial class S1GruBeforeBidiMasked
{
}

/// <summary>Bidirectional fixture shape S2: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, MaskZero = true, Bidirectional = true)]
public partial class S2TanhBidiMasked
{
}

/// <summary>Bidirectional fixture shape S2: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Activation = RnnActivation.Relu, MaskZero = true, Bidirectional = true)]
public partial class S2ReluBidiMasked
{
}

/// <summary>Bidirectional fixture shape S2: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
public partial class S2LstmBidiMasked
{
}

/// <summary>Bidirectional fixture shape S2: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, MaskZero = true, Bidirectional = true)]
public partial class S2GruAfterBidiMasked
{
}

/// <summary>Bidirectional fixture shape S2: Embedding(mask_zero=True) and Bidirectional.</summary>
[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false, MaskZero = true, Bidirectional = true)]
public partial class S2GruBeforeBidiMasked
{
}

/// <summary>Masked Bidirectional LSTM with both dropouts, three levels: every option on the Bidirectional paths.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 6, Layers = 3, SeqLen = 7, Cell = RnnCell.Lstm, Dropout = 0.2, RecurrentDropout = 0.3, MaskZero = true, Bidirectional = true)]
public partial class BidiMaskedLstmDropout
{
}

/// <summary>Bidirectional reset-before GRU with a softmax head, masked and unrolled.</summary>
[RnnModel(Vocab = 15, Embed = 4, Units = 5, Layers = 2, SeqLen = 9, Cell = RnnCell.Gru, ResetAfter = false, Classes = 3, Unroll = true, MaskZero = true, Bidirectional = true)]
public partial class BidiMaskedGruSoftmax
{
}

/// <summary>The seeds' second setup made bidirectional: Embedding(10000, 32) + Bidirectional(LSTM(32)) + Dense(1) = 336,705.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
public partial class ImdbBiLstm
{
}

/// <summary>keras.io "Bidirectional LSTM on IMDB": Embedding(20000, 128) + 2 × Bidirectional(LSTM(64)) + Dense(1) = 2,757,761.</summary>
[RnnModel(Vocab = 20000, Embed = 128, Units = 64, Layers = 2, SeqLen = 200, Cell = RnnCell.Lstm, Bidirectional = true)]
public partial class KerasIoBiLstm
{
}

/// <summary>
/// LSTM(128) over 14 steps, two layers, both dropouts: at the hash test's batches of 37-38 rows (one shard) one step of
/// gate gradients is 18,944-19,456 floats, so the backward runs in chunks of 6 steps, last first ([12, 14), [6, 12),
/// [0, 6)), a boundary inside the dU products' one-step shift included, and the forward in chunks of 3.
/// </summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 2, SeqLen = 14, Cell = RnnCell.Lstm, Dropout = 0.2, RecurrentDropout = 0.3)]
public partial class ChunkedLstmDropout
{
}

/// <summary>GRU(128), reset_after = false, over 14 steps with both dropouts: backward chunks of 8-9 steps for dU_zr, dU_h (r⊙h) and the inputs.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 1, SeqLen = 14, Cell = RnnCell.Gru, ResetAfter = false, Dropout = 0.2, RecurrentDropout = 0.3)]
public partial class ChunkedGruBeforeDropout
{
}

/// <summary>GRU(128), reset_after = true, masked, over 14 steps: backward chunks of 8-9 steps, with the recurrent bias sums of dz_rec.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 1, SeqLen = 14, Cell = RnnCell.Gru, MaskZero = true)]
public partial class ChunkedMaskedGru
{
}

/// <summary>Two LSTM(128) layers over 14 steps: at 37 rows, backward chunks of 6 steps in both layers, the top one writing dL/dh_(t−1) fresh.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 2, SeqLen = 14, Cell = RnnCell.Lstm)]
public partial class ChunkedLstm
{
}

/// <summary>GRU(128), reset_after = false, over 14 steps without dropout: backward chunks of 9 steps at 37 rows.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 1, SeqLen = 14, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class ChunkedGruBefore
{
}

/// <summary>Two SimpleRNN(128) layers over 40 steps: at 37 rows one step of da is 4,736 floats, so backward chunks of 27 steps ([27, 40), [0, 27)).</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 2, SeqLen = 40)]
public partial class ChunkedRnn
{
}

/// <summary><see cref="ChunkedRnn"/> with <c>Unroll</c>: its weight gradients run the same chunks in the same order after the unrolled steps.</summary>
[RnnModel(Vocab = 12, Embed = 5, Units = 128, Layers = 2, SeqLen = 40, Unroll = true)]
public partial class ChunkedRnnUnrolled
{
}
