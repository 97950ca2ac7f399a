using System.Globalization;
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
                Add(layer.KerasName + "/bias", layer.GateWidth, 1, 1, spec.Cell == CellKind.Lstm && spec.UnitForgetBias ? InitializerKind.ForgetBiasOnes : InitializerKind.Zeros);
            }
        }

        Add("dense/kernel", spec.Units, 1, 2, InitializerKind.GlorotUniform);
        Add("dense/bias", 1, 1, 1, InitializerKind.Zeros);
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

    /// <summary>The Keras class name of the recurrent layers.</summary>
    public string CellClassName => Spec.Cell switch
    {
        CellKind.Lstm => "LSTM",
        CellKind.Gru => "GRU",
        _ => "SimpleRNN",
    };

    /// <summary>The method-name stem of a layer, as llm.c names them: <c>SimpleRnn0</c>.</summary>
    public string LayerMethodStem(LayerSpec layer) => $"{Spec.Cell}{layer.Index}";

    /// <summary>The field holding a layer's outputs h_t for every step: [SeqLen, batch, units].</summary>
    public static string HiddenField(LayerSpec layer) => $"_hidden{layer.Index}";

    /// <summary>The field holding d loss / d h_t of a layer, turned into d loss / d a_t in place by backward.</summary>
    public static string HiddenGradientField(LayerSpec layer) => $"_dHidden{layer.Index}";

    /// <summary>The input sequence of a layer: the embedded tokens or the outputs of the layer below.</summary>
    public string InputField(LayerSpec layer) => layer.Index == 0 ? "_embedded" : HiddenField(Spec.Layers[layer.Index - 1]);

    /// <summary>Where backward writes d loss / d input of a layer.</summary>
    public string InputGradientField(LayerSpec layer) => layer.Index == 0 ? "_dEmbedded" : HiddenGradientField(Spec.Layers[layer.Index - 1]);

    /// <summary>The distinct column counts of the matrix products, each needing one generated <c>MatMul{N}</c>.</summary>
    public IReadOnlyList<int> KernelWidths
    {
        get
        {
            var cell = Emit.CellEmitter.For(Spec);
            var widths = new SortedSet<int>(Spec.Layers.SelectMany(cell.ProductWidths));
            widths.UnionWith(TransposedKernelWidths); // the transposed products call MatMul{N} block by block
            return widths.ToList();
        }
    }

    /// <summary>The column counts of the weight-gradient products c += aᵀ·b.</summary>
    public IReadOnlyList<int> TransposedKernelWidths
    {
        get
        {
            var cell = Emit.CellEmitter.For(Spec);
            return new SortedSet<int>(Spec.Layers.SelectMany(cell.TransposedProductWidths)).ToList();
        }
    }

    /// <summary>The Keras-style summary table (tf.keras 2.9+ layout, docs/keras-conventions.md, Console output).</summary>
    public string SummaryText()
    {
        var text = new StringBuilder();
        int[] stops = [29, 55, 65];
        void Row(string name, string shape, string count)
        {
            string line = name.PadRight(stops[0]) + shape.PadRight(stops[1] - stops[0]) + count;
            text.Append(line.PadRight(stops[2])).Append('\n');
        }

        text.Append("Model: \"").Append(Spec.TypeName).Append("\"\n");
        text.Append('_', 65).Append('\n');
        Row(" Layer (type)", "Output Shape", "Param #");
        text.Append('=', 65).Append('\n');
        Row(" embedding (Embedding)", $"(None, {Spec.SeqLen}, {Spec.Embed})", Count(Embedding.Length));
        text.Append(' ', 65).Append('\n');
        foreach (LayerSpec layer in Spec.Layers)
        {
            string shape = layer.ReturnSequences ? $"(None, {Spec.SeqLen}, {layer.Units})" : $"(None, {layer.Units})";
            Row($" {layer.KerasName} ({CellClassName})", shape, Count(layer.ParameterCount));
            text.Append(' ', 65).Append('\n');
        }

        Row(" dense (Dense)", "(None, 1)", Count(Spec.Units + 1));
        text.Append(' ', 65).Append('\n');
        text.Append('=', 65).Append('\n');
        string total = ParameterCount.ToString("N0", CultureInfo.InvariantCulture);
        text.Append("Total params: ").Append(total).Append('\n');
        text.Append("Trainable params: ").Append(total).Append('\n');
        text.Append("Non-trainable params: 0\n");
        text.Append('_', 65).Append('\n');
        return text.ToString();

        static string Count(long count) => count.ToString(CultureInfo.InvariantCulture);
    }

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
