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

    /// <summary>A one-line description, as stored in checkpoints: <c>SimpleRnn(tanh) V=10000 E=100 U=64 L=2 T=80</c>.</summary>
    public string SpecText =>
        $"{Cell}({Activation.ToString().ToLowerInvariant()}) V={Vocab} E={Embed} U={Units} L={Layers} T={SeqLen}";
}
