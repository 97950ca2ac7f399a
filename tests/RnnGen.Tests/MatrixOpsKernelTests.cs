using RnnGen.Initialization;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>The bias-gradient column sums and the embedding scatter-add against plain row-by-row loops, bit for bit.</summary>
public class MatrixOpsKernelTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 0)]
    [InlineData(8, 5)]
    [InlineData(13, 41)]
    [InlineData(128, 300)]
    public void ColumnSumsEqualARowByRowLoop(int columns, int rows)
    {
        var random = new RnnRandom(columns + rows);
        float[] matrix = Enumerable.Range(0, rows * columns).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] sums = Enumerable.Range(0, columns).Select(_ => random.NextSingle()).ToArray();
        float[] expected = (float[])sums.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                expected[c] += matrix[(r * columns) + c];
            }
        }

        MatrixOps.AddColumnSums(matrix, columns, sums);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), sums.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(32)]
    [InlineData(100)]
    public void EmbeddingRowsEqualARowByRowLoopAndRecordTheRowsUsed(int width)
    {
        const int Vocab = 6, SeqLen = 4, Batch = 3;
        int[] tokens = [1, 4, 1, 0, 5, 5, 5, 2, 1, 3, 1, 4]; // [batch, seqLen], ids repeat within and across rows
        var random = new RnnRandom(width);
        float[] dx = Enumerable.Range(0, SeqLen * Batch * width).Select(_ => random.NextSingle() - 0.5f).ToArray();
        dx[width + 1] = -0f; // row 4's first use: a cleared row plus −0 is +0
        dx[(3 * width) + 2] = -0f;
        // Rows left from an earlier batch (stale values, −0 included) are overwritten on first use, not added to.
        float[] gradients = Enumerable.Range(0, Vocab * width).Select(i => i % 7 == 0 ? -0f : 100f + i).ToArray();
        float[] expected = new float[Vocab * width];
        for (int b = 0; b < Batch; b++)
        {
            for (int t = 0; t < SeqLen; t++)
            {
                for (int j = 0; j < width; j++)
                {
                    expected[(tokens[(b * SeqLen) + t] * width) + j] += dx[(((t * Batch) + b) * width) + j];
                }
            }
        }

        var used = new RowTracker(Vocab);
        used.EnsureCapacity(SeqLen * Batch);
        MatrixOps.AddEmbeddingRows(tokens, SeqLen, Batch, dx, gradients, width, used);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), gradients.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, used.Rows.ToArray().Order());
    }
}
