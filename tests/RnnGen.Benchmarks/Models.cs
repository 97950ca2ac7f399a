using RnnGen;

namespace RnnGen.Benchmarks;

/// <summary>Config A of the benchmark issue: the seed model, Embed 100, 2 × SimpleRNN(64), SeqLen 80 (Adam).</summary>
[RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
public partial class ConfigA
{
}

/// <summary>Config B: Embed 32, SimpleRNN(32), SeqLen 500 (RMSprop).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500)]
public partial class ConfigB
{
}

/// <summary>Config C: Embed 32, LSTM(32), SeqLen 500 (RMSprop).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm)]
public partial class ConfigC
{
}

/// <summary>The GRU(32) variant of config C.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Gru)]
public partial class ConfigGru
{
}

/// <summary>Config C with Keras dropout 0.2 and recurrent_dropout 0.2, to show dropout has no slow path.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500, Cell = RnnCell.Lstm, Dropout = 0.2, RecurrentDropout = 0.2)]
public partial class ConfigCDropout
{
}

/// <summary>Config C with Keras' mask_zero: the padding benchmark's masked model.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500, Cell = RnnCell.Lstm, MaskZero = true)]
public partial class ConfigCMasked
{
}

/// <summary>The GRU variant of C in Keras 1's form, reset_after=False: r applied to h_(t-1) before U_h.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500, Cell = RnnCell.Gru, ResetAfter = false)]
public partial class ConfigGruResetBefore
{
}

/// <summary>Config C masked and bidirectional (the sample's bilstm without its dropout): two LSTM(32) copies.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500, Cell = RnnCell.Lstm, MaskZero = true, Bidirectional = true)]
public partial class ConfigBidirectional
{
}

/// <summary>Config C with an 8-class softmax head, as the sample's star-rating model.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 500, Cell = RnnCell.Lstm, Classes = 8)]
public partial class ConfigEightClasses
{
}

// The scaling runs (--scaling): config C's LSTM(32) at other sequence lengths, and at SeqLen 500 with wider units.

/// <summary>Config C at SeqLen 100.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 100, Cell = RnnCell.Lstm)]
public partial class LstmT100
{
}

/// <summary>Config C at SeqLen 250.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 250, Cell = RnnCell.Lstm)]
public partial class LstmT250
{
}

/// <summary>Config C at SeqLen 1000.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, SeqLen = 1000, Cell = RnnCell.Lstm)]
public partial class LstmT1000
{
}

/// <summary>Config C with LSTM(64).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 64, SeqLen = 500, Cell = RnnCell.Lstm)]
public partial class LstmU64
{
}

/// <summary>Config C with LSTM(128).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 128, SeqLen = 500, Cell = RnnCell.Lstm)]
public partial class LstmU128
{
}

/// <summary>Config C with LSTM(256).</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 256, SeqLen = 500, Cell = RnnCell.Lstm)]
public partial class LstmU256
{
}
