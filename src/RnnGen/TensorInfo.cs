namespace RnnGen;

/// <summary>
/// One named tensor inside a model's contiguous parameter buffer, with its Keras name and shape
/// (for example <c>simple_rnn/kernel</c>, (100, 64)). Tensors are stored row-major: element [r, c] of an
/// (R, C) tensor is at <c>Offset + r·C + c</c>.
/// </summary>
/// <param name="Name">The Keras weight name, such as <c>embedding/embeddings</c> or <c>simple_rnn_1/bias</c>.</param>
/// <param name="Offset">The index of the tensor's first element in the parameter buffer.</param>
/// <param name="Rows">The first dimension.</param>
/// <param name="Columns">The second dimension; 1 for a vector (see <see cref="Rank"/>).</param>
/// <param name="Rank">1 for a vector such as a bias, 2 for a matrix.</param>
public sealed record TensorInfo(string Name, int Offset, int Rows, int Columns, int Rank)
{
    /// <summary>The number of elements.</summary>
    public int Length => Rows * Columns;

    /// <summary>The shape as Keras prints it: <c>(100, 64)</c> or <c>(64,)</c>.</summary>
    public string ShapeText => Rank == 1 ? $"({Rows},)" : $"({Rows}, {Columns})";

    /// <summary>The dimensions, <c>[Rows]</c> or <c>[Rows, Columns]</c>.</summary>
    public int[] Shape => Rank == 1 ? [Rows] : [Rows, Columns];
}
