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

        Add("dense/kernel", spec.OutputWidth, spec.Classes, 2, InitializerKind.GlorotUniform);
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

    /// <summary>The layers of the top level, whose last outputs feed the Dense head: one, or the forward and backward copies.</summary>
    public IReadOnlyList<LayerSpec> TopLayers => LayersOf(Spec.LayerCount - 1);

    /// <summary>The layers of one level of the stack, forward copy first.</summary>
    public IReadOnlyList<LayerSpec> LayersOf(int level) => [.. Spec.Layers.Where(layer => layer.Level == level)];

    /// <summary>The method-name stem of a layer, from its Keras name: <c>SimpleRnn</c>, <c>SimpleRnn1</c>, <c>BidirectionalForwardLstm</c>, …</summary>
    public static string LayerMethodStem(LayerSpec layer) => ToPascalCase(layer.KerasName);

    /// <summary>The field holding a layer's outputs h_t for every step: [SeqLen, batch, units], in its reading order.</summary>
    public static string HiddenField(LayerSpec layer) => $"_hidden{layer.Index}";

    /// <summary>The field holding d loss / d h_t of a layer, turned into d loss / d a_t in place by backward.</summary>
    public static string HiddenGradientField(LayerSpec layer) => $"_dHidden{layer.Index}";

    /// <summary>
    /// The input sequence of a layer, in its reading order: the embedded tokens or the output of the level below. A
    /// backward copy reads the time-reversed sequence (<c>...Reversed</c>), so that every cell runs forward in its own time.
    /// Above a Bidirectional level the input is its merged output [f_t | b_t] (<see cref="MergedField"/>).
    /// </summary>
    public string InputField(LayerSpec layer) => LevelBelow(layer, "_embedded", MergedField, HiddenField);

    /// <summary>Where backward writes d loss / d input of a layer (in its reading order, as <see cref="InputField"/>).</summary>
    public string InputGradientField(LayerSpec layer) => LevelBelow(layer, "_dEmbedded", MergedGradientField, HiddenGradientField);

    /// <summary>The field named <paramref name="field"/> in reversed time: what a backward copy reads (its t = 0 is the last step).</summary>
    public static string ReversedField(string field) => field + "Reversed";

    /// <summary>What a layer reads from below (a value, or its gradient): the embedding's, the merged level's, or the layer's below; reversed for a backward copy.</summary>
    private string LevelBelow(LayerSpec layer, string embedding, Func<int, string> merged, Func<LayerSpec, string> single)
    {
        string field = layer.Level == 0 ? embedding
            : Spec.Bidirectional ? merged(layer.Level - 1)
            : single(Spec.Layers[layer.Index - 1]);
        return layer.GoBackwards ? ReversedField(field) : field;
    }

    /// <summary>The merged output [f_t | b_t] of a Bidirectional level, [SeqLen, B, 2u] in time order (<c>...Reversed</c>: reading order of the next backward copy).</summary>
    public static string MergedField(int level) => $"_merged{level}";

    /// <summary>d loss / d of <see cref="MergedField"/>, written by the next level's forward copy (its backward copy writes the reversed one).</summary>
    public static string MergedGradientField(int level) => $"_dMerged{level}";

    /// <summary>The padding mask [SeqLen, B] in the layer's reading order.</summary>
    public static string MaskField(LayerSpec layer) => layer.GoBackwards ? ReversedField("_mask") : "_mask";

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
