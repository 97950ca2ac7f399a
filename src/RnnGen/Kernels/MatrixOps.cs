// Small matrix helpers of the backward pass: transposes of the weights (so every product in backward is a
// row-times-matrix product the generated microkernels handle) and the column sums that give bias gradients.
using System.Numerics.Tensors;

namespace RnnGen.Kernels;

/// <summary>Transpose and reduction helpers over row-major matrices.</summary>
public static class MatrixOps
{
    /// <summary>Writes the transpose of the (<paramref name="rows"/>, <paramref name="columns"/>) matrix <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        if (source.Length < rows * columns || destination.Length < rows * columns)
        {
            throw new ArgumentException($"Transpose of a ({rows}, {columns}) matrix needs {rows * columns} elements in both buffers.");
        }

        // Blocked so that both the reads and the writes stay within a few cache lines.
        const int Block = 16;
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int r1 = Math.Min(r0 + Block, rows);
            for (int c0 = 0; c0 < columns; c0 += Block)
            {
                int c1 = Math.Min(c0 + Block, columns);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        destination[(c * rows) + r] = source[(r * columns) + c];
                    }
                }
            }
        }
    }

    /// <summary><c>sums[c] += Σ_r matrix[r, c]</c> over a row-major matrix of <paramref name="columns"/> columns, rows in order.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, int columns, Span<float> sums)
    {
        if (columns <= 0 || matrix.Length % columns != 0 || sums.Length != columns)
        {
            throw new ArgumentException($"A matrix of {matrix.Length} elements does not have rows of {columns} columns summed into {sums.Length}.");
        }

        for (int offset = 0; offset < matrix.Length; offset += columns)
        {
            TensorPrimitives.Add(sums, matrix.Slice(offset, columns), sums);
        }
    }
}
