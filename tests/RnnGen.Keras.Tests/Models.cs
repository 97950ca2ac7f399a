namespace RnnGen.Keras.Tests;

// The four models of shared/fixtures/keras/ (README there): the fixture shapes S1 (V 11, E 5, u 7, 2 layers, T 6) and
// S2 (V 9, E 3, u 16, 1 layer, T 4).

[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6)]
public partial class SimpleRnnS1 { }

[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm)]
public partial class LstmS1 { }

[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru)]
public partial class GruS1 { }

[RnnModel(Vocab = 9, Embed = 3, Units = 16, Layers = 1, SeqLen = 4, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class GruResetBeforeS2 { }

// Near misses of LstmS1, each one difference away, for the mismatch messages.
[RnnModel(Vocab = 11, Embed = 5, Units = 8, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm)]
public partial class LstmS1Units8 { }

[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 9, Cell = RnnCell.Lstm, MaskZero = true)]
public partial class LstmS1MaskedT9 { }

// Round trips: heads, masking, bidirectional levels, both GRU forms, hard_sigmoid.
[RnnModel(Vocab = 30, Embed = 6, Units = 5, Layers = 3, SeqLen = 7, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true, Classes = 4)]
public partial class LstmMaskedBidiSoftmax { }

[RnnModel(Vocab = 30, Embed = 6, Units = 5, Layers = 2, SeqLen = 7, Cell = RnnCell.Gru, Bidirectional = true)]
public partial class GruBidi { }

[RnnModel(Vocab = 30, Embed = 6, Units = 5, Layers = 1, SeqLen = 7, Cell = RnnCell.Gru, ResetAfter = false, Bidirectional = true, MaskZero = true)]
public partial class GruResetBeforeBidiMasked { }

[RnnModel(Vocab = 30, Embed = 4, Units = 9, Layers = 2, SeqLen = 5, Activation = RnnActivation.Relu, Classes = 3, Dropout = 0.25)]
public partial class SimpleRnnReluSoftmax { }

[RnnModel(Vocab = 30, Embed = 4, Units = 9, Layers = 1, SeqLen = 5, Cell = RnnCell.Lstm, RecurrentActivation = RecurrentActivation.HardSigmoid)]
public partial class LstmHardSigmoid { }
