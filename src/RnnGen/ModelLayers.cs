namespace RnnGen;

/// <summary>
/// A model's tensors grouped by layer, from <see cref="ModelDescription.Tensors"/> in Keras' <c>model.weights</c> order:
/// the embedding table; per recurrent level one (kernel, recurrent_kernel, bias) triple per copy (forward, then backward
/// for a Bidirectional level); the Dense kernel and bias. What the exporters walk (ONNX nodes, Keras layer groups).
/// The names are checked, so a table in any other order is an error rather than a silently wrong file.
/// </summary>
public sealed class ModelLayers
{
    /// <summary>Groups <paramref name="description"/>'s tensors.</summary>
    public ModelLayers(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var tensors = description.Tensors;
        int directions = description.Bidirectional ? 2 : 1;
        int expected = 1 + 3 * directions * description.Layers + 2;
        if (tensors.Length != expected)
        {
            throw new InvalidOperationException($"{description.Name} has {tensors.Length} tensors; a model of {description.Layers} level(s) with {directions} direction(s) has {expected}.");
        }

        Embeddings = Expect(tensors[0], "embedding/embeddings");
        var levels = new List<TensorInfo[][]>();
        int index = 1;
        for (int level = 0; level < description.Layers; level++)
        {
            var copies = new TensorInfo[directions][];
            for (int direction = 0; direction < directions; direction++)
            {
                copies[direction] = [ExpectSuffix(tensors[index], "/kernel"), ExpectSuffix(tensors[index + 1], "/recurrent_kernel"), ExpectSuffix(tensors[index + 2], "/bias")];
                index += 3;
            }

            levels.Add(copies);
        }

        Levels = levels;
        DenseKernel = ExpectSuffix(tensors[index], "/kernel");
        DenseBias = ExpectSuffix(tensors[index + 1], "/bias");
    }

    /// <summary><c>embedding/embeddings</c> (Vocab, Embed).</summary>
    public TensorInfo Embeddings { get; }

    /// <summary>Per level, per direction (forward, then backward): kernel, recurrent_kernel, bias.</summary>
    public IReadOnlyList<TensorInfo[][]> Levels { get; }

    /// <summary><c>dense/kernel</c> (directions·Units, Classes).</summary>
    public TensorInfo DenseKernel { get; }

    /// <summary><c>dense/bias</c> (Classes,).</summary>
    public TensorInfo DenseBias { get; }

    /// <summary>The Keras layer a tensor belongs to: <c>lstm_1</c>, <c>bidirectional_1</c>, <c>dense</c>.</summary>
    public static string LayerName(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Name[..tensor.Name.IndexOf('/', StringComparison.Ordinal)];
    }

    /// <summary>A Bidirectional copy's own name: <c>forward_lstm_1</c>, <c>backward_lstm_1</c>.</summary>
    public static string CopyName(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Name.Split('/')[1];
    }

    /// <summary>The variable's name: <c>kernel</c>, <c>recurrent_kernel</c>, <c>bias</c>, <c>embeddings</c>.</summary>
    public static string VariableName(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Name[(tensor.Name.LastIndexOf('/') + 1)..];
    }

    private static TensorInfo Expect(TensorInfo tensor, string name) =>
        tensor.Name == name ? tensor : throw new InvalidOperationException($"expected the tensor {name}, found {tensor.Name}.");

    private static TensorInfo ExpectSuffix(TensorInfo tensor, string suffix) =>
        tensor.Name.EndsWith(suffix, StringComparison.Ordinal) ? tensor : throw new InvalidOperationException($"expected a tensor */{suffix[1..]}, found {tensor.Name}.");
}
