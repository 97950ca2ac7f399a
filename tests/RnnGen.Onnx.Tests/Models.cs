namespace RnnGen.Onnx.Tests;

// One model per exported graph shape: every cell and activation, stacked levels, both GRU forms, both heads, masking,
// bidirectional levels, and their combinations. Widths are no multiple of a vector width, so tails are exercised.

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 6)]
public partial class SimpleRnnTanh2 { }

[RnnModel(Vocab = 23, Embed = 3, Units = 16, Layers = 1, SeqLen = 9, Activation = RnnActivation.Relu)]
public partial class SimpleRnnRelu1 { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm)]
public partial class Lstm2 { }

[RnnModel(Vocab = 23, Embed = 5, Units = 9, Layers = 1, SeqLen = 7, Cell = RnnCell.Lstm, RecurrentActivation = RecurrentActivation.HardSigmoid, UnitForgetBias = false)]
public partial class LstmHardSigmoid { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Gru)]
public partial class GruResetAfter2 { }

[RnnModel(Vocab = 23, Embed = 3, Units = 16, Layers = 1, SeqLen = 5, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class GruResetBefore { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 1, SeqLen = 6, Cell = RnnCell.Gru, RecurrentActivation = RecurrentActivation.HardSigmoid)]
public partial class GruHardSigmoid { }

[RnnModel(Vocab = 23, Embed = 6, Units = 11, Layers = 2, SeqLen = 8, Cell = RnnCell.Lstm, Classes = 4)]
public partial class LstmSoftmax { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 1, SeqLen = 6, Cell = RnnCell.Lstm, Dropout = 0.3, RecurrentDropout = 0.2)]
public partial class LstmDropout { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 8, MaskZero = true)]
public partial class SimpleRnnMasked { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 8, Cell = RnnCell.Lstm, MaskZero = true)]
public partial class LstmMasked { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 1, SeqLen = 8, Cell = RnnCell.Gru, ResetAfter = false, MaskZero = true, Classes = 3)]
public partial class GruMaskedSoftmax { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Bidirectional = true)]
public partial class SimpleRnnBidi { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm, Bidirectional = true)]
public partial class LstmBidi2 { }

[RnnModel(Vocab = 23, Embed = 3, Units = 16, Layers = 1, SeqLen = 5, Cell = RnnCell.Gru, Bidirectional = true)]
public partial class GruBidi { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 8, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
public partial class LstmMaskedBidi2 { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 2, SeqLen = 8, Cell = RnnCell.Gru, MaskZero = true, Bidirectional = true, Classes = 3)]
public partial class GruMaskedBidiSoftmax { }

[RnnModel(Vocab = 23, Embed = 5, Units = 7, Layers = 1, SeqLen = 8, Activation = RnnActivation.Relu, MaskZero = true, Bidirectional = true)]
public partial class SimpleRnnReluMaskedBidi { }

// The sample's IMDB shapes (SeqLen 500), where float error has 500 steps to grow.
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
public partial class ImdbBiLstmShape { }

[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Gru)]
public partial class ImdbGruShape { }
