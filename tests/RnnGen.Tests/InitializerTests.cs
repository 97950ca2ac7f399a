using RnnGen.Initialization;

namespace RnnGen.Tests;

public class InitializerTests
{
    internal static void AssertOrthonormalRows(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < rows; j++)
            {
                double dot = 0;
                for (int k = 0; k < columns; k++)
                {
                    dot += matrix[(i * columns) + k] * (double)matrix[(j * columns) + k];
                }

                Assert.True(Math.Abs(dot - (i == j ? 1 : 0)) < 1e-5, $"rows {i}·{j} = {dot}");
            }
        }
    }

    [Theory]
    [InlineData(7, 7)]
    [InlineData(16, 64)]
    [InlineData(5, 20)]
    public void OrthogonalWideMatricesHaveOrthonormalRows(int rows, int columns)
    {
        var matrix = new float[rows * columns];
        Initializers.Orthogonal(matrix, rows, columns, new RnnRandom(3));
        AssertOrthonormalRows(matrix, rows, columns);
    }

    [Fact]
    public void OrthogonalTallMatricesHaveOrthonormalColumns()
    {
        const int Rows = 12, Columns = 5;
        var matrix = new float[Rows * Columns];
        Initializers.Orthogonal(matrix, Rows, Columns, new RnnRandom(4));
        var transposed = new float[Rows * Columns];
        Kernels.MatrixOps.Transpose(matrix, Rows, Columns, transposed);
        AssertOrthonormalRows(transposed, Columns, Rows);
    }

    [Fact]
    public void GlorotUniformUsesTheFusedFanSizes()
    {
        var tensor = new float[100 * 64];
        Initializers.GlorotUniform(tensor, 100, 64, new RnnRandom(1));
        float limit = MathF.Sqrt(6f / 164); // 0.1913, docs/keras-conventions.md, Initializers
        Assert.Equal(0.1913f, limit, 4);
        Assert.All(tensor, w => Assert.InRange(w, -limit, limit));
        Assert.InRange(tensor.Average(), -0.01, 0.01);
        Assert.InRange(tensor.Max(), 0.95 * limit, limit);
    }

    [Fact]
    public void RandomIsReproducibleAndUniform()
    {
        var a = new RnnRandom(123);
        var b = new RnnRandom(123);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }

        var counts = new int[10];
        var random = new RnnRandom(9);
        for (int i = 0; i < 100_000; i++)
        {
            counts[random.NextInt32(10)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextNormal();
            sum += x;
            sumSquares += x * x;
        }

        Assert.InRange(sum / 100_000, -0.02, 0.02);
        Assert.InRange(sumSquares / 100_000, 0.98, 1.02);
    }
}
