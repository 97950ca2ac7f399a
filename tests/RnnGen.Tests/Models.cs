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

/// <summary>The synthetic learning task's model.</summary>
[RnnModel(Vocab = 20, Embed = 8, Units = 16, Layers = 1, SeqLen = 12)]
public partial class MarkerDetector
{
}
