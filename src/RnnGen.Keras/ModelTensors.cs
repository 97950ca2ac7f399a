namespace RnnGen.Keras;

/// <summary>
/// A model's tensors grouped as Keras stores them, from <see cref="ModelDescription.Tensors"/> in Keras'
/// <c>model.weights</c> order: the embedding table, per level one (kernel, recurrent_kernel, bias) triple per copy
/// (forward, then backward for a Bidirectional level), then the Dense kernel and bias.
/// </summary>
internal sealed class ModelTensors
{
    public ModelTensors(ModelDescription description)
    {
        var tensors = description.Tensors;
        int directions = description.Bidirectional ? 2 : 1;
        if (tensors.Length != 1 + 3 * directions * description.Layers + 2)
        {
            throw new InvalidOperationException($"{description.Name}: {tensors.Length} tensors do not form Embedding, {description.Layers} recurrent level(s) and Dense.");
        }

        Embeddings = tensors[0];
        var levels = new List<TensorInfo[][]>();
        for (int level = 0; level < description.Layers; level++)
        {
            var copies = new TensorInfo[directions][];
            for (int direction = 0; direction < directions; direction++)
            {
                int first = 1 + 3 * (level * directions + direction);
                copies[direction] = [tensors[first], tensors[first + 1], tensors[first + 2]];
            }

            levels.Add(copies);
        }

        Levels = levels;
        DenseKernel = tensors[^2];
        DenseBias = tensors[^1];
    }

    public TensorInfo Embeddings { get; }

    /// <summary>Per level, per direction: kernel, recurrent_kernel, bias.</summary>
    public IReadOnlyList<TensorInfo[][]> Levels { get; }

    public TensorInfo DenseKernel { get; }

    public TensorInfo DenseBias { get; }

    /// <summary>The layer's name in Keras (and in the tensor names): <c>lstm_1</c>, <c>bidirectional_1</c>.</summary>
    public static string LayerName(TensorInfo tensor) => tensor.Name[..tensor.Name.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>A Bidirectional copy's own name: <c>forward_lstm_1</c>, <c>backward_lstm_1</c>.</summary>
    public static string CopyName(TensorInfo tensor) => tensor.Name.Split('/')[1];

    /// <summary>The variable's name: <c>kernel</c>, <c>recurrent_kernel</c>, <c>bias</c>, <c>embeddings</c>.</summary>
    public static string VariableName(TensorInfo tensor) => tensor.Name[(tensor.Name.LastIndexOf('/') + 1)..];
}
