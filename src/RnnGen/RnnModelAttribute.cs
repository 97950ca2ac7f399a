namespace RnnGen;

/// <summary>
/// Compiles the annotated <c>partial class</c> into a fixed-shape recurrent text classifier:
/// Embedding(<see cref="Vocab"/>, <see cref="Embed"/>) -> <see cref="Layers"/> stacked recurrent layers of
/// <see cref="Units"/> units -> Dense(1) -> sigmoid, over sequences of exactly <see cref="SeqLen"/> token ids.
/// The RnnGen source generator emits the forward pass, backpropagation through time, initialization and
/// <c>Summary()</c> for exactly these shapes. Defaults follow Keras.
/// </summary>
/// <example>
/// <code>
/// [RnnModel(Vocab = 10000, Embed = 100, Units = 64, Layers = 2, SeqLen = 80)]
/// public partial class ImdbSentiment { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>The number of rows of the embedding table; token ids are in [0, Vocab). At least 2.</summary>
    public int Vocab { get; set; }

    /// <summary>The embedding width (Keras <c>output_dim</c>).</summary>
    public int Embed { get; set; }

    /// <summary>The number of units of every recurrent layer.</summary>
    public int Units { get; set; }

    /// <summary>The number of stacked recurrent layers (1 to 8). All but the last return sequences.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>The fixed sequence length (Keras <c>Input(shape=(SeqLen,))</c>).</summary>
    public int SeqLen { get; set; }

    /// <summary>The recurrent cell. Keras default: <see cref="RnnCell.SimpleRnn"/>.</summary>
    public RnnCell Cell { get; set; } = RnnCell.SimpleRnn;

    /// <summary>The activation of a SimpleRNN cell (Keras <c>activation</c>). Keras default: <see cref="RnnActivation.Tanh"/>. SimpleRNN only.</summary>
    public RnnActivation Activation { get; set; } = RnnActivation.Tanh;

    /// <summary>The gate activation of LSTM and GRU (Keras <c>recurrent_activation</c>). Keras default: <see cref="RnnGen.RecurrentActivation.Sigmoid"/>.</summary>
    public RecurrentActivation RecurrentActivation { get; set; } = RecurrentActivation.Sigmoid;

    /// <summary>GRU only: apply the reset gate after the recurrent product, with a (2, 3u) bias (Keras' default, true), or before it with a (3u) bias.</summary>
    public bool ResetAfter { get; set; } = true;

    /// <summary>LSTM only: initialize the forget gate's bias to 1 (Keras <c>unit_forget_bias</c>, default true).</summary>
    public bool UnitForgetBias { get; set; } = true;

    /// <summary>Keras <c>dropout</c>: the fraction of each layer's inputs dropped in training, in [0, 1). Default 0.</summary>
    public double Dropout { get; set; }

    /// <summary>Keras <c>recurrent_dropout</c>: the fraction of the recurrent state dropped inside the recurrent product in training, in [0, 1). Default 0.</summary>
    public double RecurrentDropout { get; set; }

    /// <summary>
    /// The classes of the head: 1 (the default) for Keras' <c>Dense(1, activation="sigmoid")</c> with binary
    /// cross-entropy, labels in [0, 1]; N ≥ 2 for <c>Dense(N, activation="softmax")</c> with
    /// <c>SparseCategoricalCrossentropy</c>, labels the class ids 0 … N−1, and N probabilities per sample.
    /// </summary>
    public int Classes { get; set; } = 1;

    /// <summary>
    /// Keras' <c>Embedding(mask_zero=True)</c>, propagated through every recurrent layer: id 0 is padding, and at a padded
    /// step a row's state carries over unchanged and gets no gradient, so pre- and post-padding of the same tokens give the
    /// same result and the top layer's output is the state after the last real token. Default false.
    /// </summary>
    public bool MaskZero { get; set; }

    /// <summary>
    /// Keras' <c>Bidirectional(layer, merge_mode="concat")</c> around every recurrent layer: a forward copy and a backward
    /// copy (<c>go_backwards=True</c>, its outputs re-aligned in time) with weights of their own, whose outputs are
    /// concatenated, [f | b], 2·Units wide into the next layer and the Dense head. Twice the recurrent parameters; with
    /// <see cref="MaskZero"/> each copy skips the padded steps in its own reading order. Default false.
    /// </summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// Emit the time loop as straight-line code, one block per time step, as Keras' <c>unroll=True</c> does.
    /// Allowed up to <c>SeqLen</c> 256; it trades code size for the loop overhead, which is small next to the
    /// matrix products, so the default keeps the loop.
    /// </summary>
    public bool Unroll { get; set; }
}
