using System.Text;

namespace RnnGen.Generator.Model;

/// <summary>How a parameter tensor is initialized (Keras defaults, docs/keras-conventions.md, Initializers).</summary>
internal enum InitializerKind
{
    EmbeddingUniform,
    GlorotUniform,
    Orthogonal,
    Zeros,

    /// <summary>LSTM bias with unit_forget_bias: ones in the f block [u, 2u), zeros elsewhere.</summary>
    ForgetBiasOnes,
}

/// <summary>One tensor of the flat parameter buffer.</summary>
internal sealed record TensorLayout(
    string KerasName,
    string PropertyName,
    int Offset,
    int Rows,
    int Columns,
    int Rank,
    InitializerKind Initializer)
{
    public int Length => Rows * Columns;

    public string ShapeText => Rank == 1 ? $"({Rows},)" : $"({Rows}, {Columns})";
}

/// <summary>
/// The derived layout of a model: its tensors in Keras <c>model.weights</c> order with offsets into one buffer, and the
/// names the emitters share. Computed from the spec alone, so every emitter agrees on it.
/// </summary>
internal sealed class ModelLayout
{
    public ModelLayout(ModelSpec spec)
    {
        Spec = spec;
        var tensors = new List<TensorLayout>();
        int offset = 0;
        void Add(string name, int rows, int columns, int rank, InitializerKind initializer)
        {
            tensors.Add(new TensorLayout(name, ToPascalCase(name), offset, rows, columns, rank, initializer));
            offset += rows * columns;
        }

        Add("embedding/embeddings", spec.Vocab, spec.Embed, 2, InitializerKind.EmbeddingUniform);
        foreach (LayerSpec layer in spec.Layers)
        {
            Add(layer.KerasName + "/kernel", layer.InputSize, layer.GateWidth, 2, InitializerKind.GlorotUniform);
            Add(layer.KerasName + "/recurrent_kernel", layer.Units, layer.GateWidth, 2, InitializerKind.Orthogonal);
            if (layer.BiasRows == 2)
            {
                Add(layer.KerasName + "/bias", 2, layer.GateWidth, 2, InitializerKind.Zeros);
            }
            else
            {
                Add(layer.KerasName + "/bias", layer.GateWidth, 1, 1, layer.BiasInitializer);
            }
        }

        Add("dense/kernel", spec.Units, spec.Classes, 2, InitializerKind.GlorotUniform);
        Add("dense/bias", spec.Classes, 1, 1, InitializerKind.Zeros);
        Tensors = tensors;
        ParameterCount = offset;
    }

    public ModelSpec Spec { get; }

    public IReadOnlyList<TensorLayout> Tensors { get; }

    public int ParameterCount { get; }

    public TensorLayout Embedding => Tensors[0];

    public TensorLayout Kernel(LayerSpec layer) => Tensors[1 + (3 * layer.Index)];

    public TensorLayout RecurrentKernel(LayerSpec layer) => Tensors[2 + (3 * layer.Index)];

    public TensorLayout Bias(LayerSpec layer) => Tensors[3 + (3 * layer.Index)];

    public TensorLayout DenseKernel => Tensors[Tensors.Count - 2];

    public TensorLayout DenseBias => Tensors[Tensors.Count - 1];

    public LayerSpec TopLayer => Spec.Layers[Spec.LayerCount - 1];

    /// <summary>The method-name stem of a layer, from its Keras name: <c>SimpleRnn</c>, <c>SimpleRnn1</c>, …</summary>
    public static string LayerMethodStem(LayerSpec layer) => ToPascalCase(layer.KerasName);

    /// <summary>The field holding a layer's outputs h_t for every step: [SeqLen, batch, units].</summary>
    public static string HiddenField(LayerSpec layer) => $"_hidden{layer.Index}";

    /// <summary>The field holding d loss / d h_t of a layer, turned into d loss / d a_t in place by backward.</summary>
    public static string HiddenGradientField(LayerSpec layer) => $"_dHidden{layer.Index}";

    /// <summary>The input sequence of a layer: the embedded tokens or the outputs of the layer below.</summary>
    public string InputField(LayerSpec layer) => layer.Index == 0 ? "_embedded" : HiddenField(Spec.Layers[layer.Index - 1]);

    /// <summary>Where backward writes d loss / d input of a layer.</summary>
    public string InputGradientField(LayerSpec layer) => layer.Index == 0 ? "_dEmbedded" : HiddenGradientField(Spec.Layers[layer.Index - 1]);

    private static string ToPascalCase(string kerasName)
    {
        var name = new StringBuilder();
        foreach (string part in kerasName.Split('/', '_'))
        {
            if (part.Length > 0)
            {
                name.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
            }
        }

        return name.ToString();
    }
}
