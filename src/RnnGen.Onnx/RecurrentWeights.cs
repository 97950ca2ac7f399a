namespace RnnGen.Onnx;

/// <summary>
/// One level of recurrent layers as the ONNX <c>RNN</c>, <c>LSTM</c> and <c>GRU</c> operators want its weights:
/// <c>W</c> [D, G·u, d], <c>R</c> [D, G·u, u] and <c>B</c> [D, 2·G·u] = [Wb | Rb], with D = 1 (forward) or 2 (forward,
/// then reverse). Keras stores <c>kernel</c> (d, G·u) and <c>recurrent_kernel</c> (u, G·u), so every gate block is
/// transposed; the gate blocks follow ONNX's order, which differs from Keras' for the LSTM (Keras i, f, c, o; ONNX i, o,
/// f, c) and agrees for SimpleRNN (one block) and GRU (z, r, h in both). Biases: Keras has one bias per gate, which
/// becomes Wb with Rb = 0, except the GRU with <c>reset_after</c>, whose bias (2, 3u) holds the input bias (row 0 → Wb)
/// and the recurrent bias (row 1 → Rb) that ONNX's <c>linear_before_reset=1</c> applies inside r ⊙ (h·Rᵀ + Rb).
/// </summary>
internal sealed class RecurrentWeights
{
    private RecurrentWeights(int directions, int gates, int units, int inputWidth)
    {
        Directions = directions;
        Gates = gates;
        Units = units;
        InputWidth = inputWidth;
        W = new float[directions * gates * units * inputWidth];
        R = new float[directions * gates * units * units];
        B = new float[directions * 2 * gates * units];
    }

    public int Directions { get; }

    public int Gates { get; }

    public int Units { get; }

    public int InputWidth { get; }

    public float[] W { get; }

    public float[] R { get; }

    public float[] B { get; }

    /// <summary>The Keras gate block that ONNX gate block <paramref name="onnxGate"/> comes from.</summary>
    public static int KerasGate(RnnCell cell, int onnxGate) => cell == RnnCell.Lstm
        ? onnxGate switch { 0 => 0, 1 => 3, 2 => 1, _ => 2 } // ONNX i, o, f, c ← Keras i, f, c, o
        : onnxGate;

    public static int GateCount(RnnCell cell) => cell switch
    {
        RnnCell.Lstm => 4,
        RnnCell.Gru => 3,
        _ => 1,
    };

    /// <summary>
    /// Converts the copies of one level (one tensor triple per direction: kernel, recurrent_kernel, bias) from the
    /// model's parameter buffer.
    /// </summary>
    public static RecurrentWeights From(ModelDescription description, ReadOnlySpan<float> parameters, IReadOnlyList<TensorInfo[]> copies)
    {
        int gates = GateCount(description.Cell);
        int units = description.Units;
        int inputWidth = copies[0][0].Rows;
        var weights = new RecurrentWeights(copies.Count, gates, units, inputWidth);
        for (int direction = 0; direction < copies.Count; direction++)
        {
            TensorInfo kernel = copies[direction][0];
            TensorInfo recurrentKernel = copies[direction][1];
            TensorInfo bias = copies[direction][2];
            weights.Transpose(description.Cell, parameters.Slice(kernel.Offset, kernel.Length), inputWidth, weights.W, direction);
            weights.Transpose(description.Cell, parameters.Slice(recurrentKernel.Offset, recurrentKernel.Length), units, weights.R, direction);
            weights.CopyBias(description, parameters.Slice(bias.Offset, bias.Length), bias.Rank, direction);
        }

        return weights;
    }

    // Keras (rows, G·u) row-major → ONNX [G·u, rows] for one direction: target[(g·u + j)·rows + i] = source[i·G·u + k·u + j],
    // with k the Keras gate of ONNX gate g.
    private void Transpose(RnnCell cell, ReadOnlySpan<float> source, int rows, float[] target, int direction)
    {
        int width = Gates * Units;
        int baseOffset = direction * width * rows;
        for (int g = 0; g < Gates; g++)
        {
            int k = KerasGate(cell, g);
            for (int j = 0; j < Units; j++)
            {
                int row = baseOffset + (g * Units + j) * rows;
                for (int i = 0; i < rows; i++)
                {
                    target[row + i] = source[i * width + k * Units + j];
                }
            }
        }
    }

    private void CopyBias(ModelDescription description, ReadOnlySpan<float> bias, int rank, int direction)
    {
        int width = Gates * Units;
        Span<float> wb = B.AsSpan(direction * 2 * width, width);
        Span<float> rb = B.AsSpan(direction * 2 * width + width, width);
        bool twoRows = description.Cell == RnnCell.Gru && description.ResetAfter && rank == 2;
        for (int g = 0; g < Gates; g++)
        {
            int k = KerasGate(description.Cell, g);
            bias.Slice(k * Units, Units).CopyTo(wb.Slice(g * Units, Units));
            if (twoRows)
            {
                bias.Slice(width + k * Units, Units).CopyTo(rb.Slice(g * Units, Units));
            }
        }
    }
}
