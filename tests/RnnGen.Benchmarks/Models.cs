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
