using RnnGen;

namespace RnnGen.Benchmarks;

/// <summary>Config A of the benchmark issue: the seed model.</summary>
[RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
public partial class ConfigA
{
}

/// <summary>Config B: Embedding(10000, 32), SimpleRNN(32), SeqLen 500.</summary>
[RnnModel(Vocab = 10000, Embed = 32, Units = 32, Layers = 1, SeqLen = 500)]
public partial class ConfigB
{
}
