namespace RnnGen.Onnx;

/// <summary>
/// The model's tensors grouped as the exporter reads them, from <see cref="ModelDescription.Tensors"/> in Keras'
/// <c>model.weights</c> order: the embedding table, then per level one (kernel, recurrent_kernel, bias) triple per
/// copy (forward, then backward for a Bidirectional level), then the Dense kernel and bias. Checks the names, so a
/// table in any other order is an error rather than a silently wrong graph.
/// </summary>
internal sealed class TensorLayout
{
    public TensorLayout(ModelDescription description)
    {
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

    public TensorInfo Embeddings { get; }

    /// <summary>Per level, per direction: kernel, recurrent_kernel, bias.</summary>
    public IReadOnlyList<TensorInfo[][]> Levels { get; }

    public TensorInfo DenseKernel { get; }

    public TensorInfo DenseBias { get; }

    private static TensorInfo Expect(TensorInfo tensor, string name) =>
        tensor.Name == name ? tensor : throw new InvalidOperationException($"expected the tensor {name}, found {tensor.Name}.");

    private static TensorInfo ExpectSuffix(TensorInfo tensor, string suffix) =>
        tensor.Name.EndsWith(suffix, StringComparison.Ordinal) ? tensor : throw new InvalidOperationException($"expected a tensor */{suffix[1..]}, found {tensor.Name}.");
}
