using System.Collections.Immutable;

namespace RnnGen;

/// <summary>
/// The compile-time description of a generated model: its shapes, its cell and the table of its parameter
/// tensors in Keras' <c>model.weights</c> order. Generated as a static value; nothing here is computed by reflection.
/// </summary>
public sealed record ModelDescription(
    string Name,
    int Vocab,
    int Embed,
    int Units,
    int Layers,
    int SeqLen,
    RnnCell Cell,
    RnnActivation Activation,
    ImmutableArray<TensorInfo> Tensors)
{
    /// <summary>LSTM and GRU: the gate activation.</summary>
    public RecurrentActivation RecurrentActivation { get; init; }

    /// <summary>GRU: whether the reset gate applies after the recurrent product (bias (2, 3u)).</summary>
    public bool ResetAfter { get; init; } = true;

    /// <summary>The head: 1 for Dense(1) with sigmoid, N ≥ 2 for Dense(N) with softmax (logits are [batch, Classes]).</summary>
    public int Classes { get; init; } = 1;

    /// <summary>Keras' <c>mask_zero</c>: id 0 is padding, and padded steps carry every layer's state over.</summary>
    public bool MaskZero { get; init; }

    /// <summary>
    /// Keras' <c>Bidirectional(merge_mode="concat")</c> around every recurrent layer: each level has a forward and a
    /// backward copy (tensors <c>bidirectional/forward_lstm/…</c>, <c>bidirectional/backward_lstm/…</c>), and the Dense
    /// head reads [f | b], 2·Units wide.
    /// </summary>
    public bool Bidirectional { get; init; }

    /// <summary>The input dropout rate of the recurrent layers (training only).</summary>
    public double Dropout { get; init; }

    /// <summary>The recurrent dropout rate of the recurrent layers (training only).</summary>
    public double RecurrentDropout { get; init; }

    /// <summary>The total number of trainable parameters (the length of the parameter buffer).</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            foreach (TensorInfo tensor in Tensors)
            {
                count += tensor.Length;
            }

            return count;
        }
    }

    /// <summary>Finds a tensor by its Keras name, or returns <see langword="null"/>.</summary>
    public TensorInfo? FindTensor(string name)
    {
        foreach (TensorInfo tensor in Tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }

        return null;
    }

    /// <summary>
    /// A one-line description, as stored in checkpoints: <c>SimpleRnn(tanh) V=10000 E=100 U=64 L=2 T=80</c>,
    /// <c>Lstm(sigmoid) …</c> or <c>Gru(sigmoid, reset_after) …</c>, with <c>N=</c> the classes of a softmax head. Dropout rates do not change the weights, so they are not part of it.
    /// </summary>
    public string SpecText => Cell switch
    {
        RnnCell.Lstm => $"Lstm({ActivationName(RecurrentActivation)}) {Shape}",
        RnnCell.Gru => $"Gru({ActivationName(RecurrentActivation)}, {(ResetAfter ? "reset_after" : "reset_before")}) {Shape}",
        _ => $"{Cell}({Activation.ToString().ToLowerInvariant()}) {Shape}",
    };

    private string Shape => $"V={Vocab} E={Embed} U={Units} L={Layers} T={SeqLen}{(Classes == 1 ? string.Empty : $" N={Classes}")}{(MaskZero ? " mask_zero" : string.Empty)}{(Bidirectional ? " bidirectional" : string.Empty)}";

    private static string ActivationName(RecurrentActivation activation) =>
        activation == RecurrentActivation.HardSigmoid ? "hard_sigmoid" : "sigmoid";
}
