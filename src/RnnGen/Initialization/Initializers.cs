namespace RnnGen.Initialization;

/// <summary>
/// Keras' default initializers (docs/keras-conventions.md, Initializers), drawn from an <see cref="RnnRandom"/> so that a seed fixes
/// every weight. Generated constructors call these tensor by tensor in Keras' weight order.
/// </summary>
public static class Initializers
{
    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>): Keras <c>RandomUniform</c>, the embedding default (±0.05).</summary>
    public static void Uniform(Span<float> tensor, float low, float high, RnnRandom random)
    {
        for (int i = 0; i < tensor.Length; i++)
        {
            tensor[i] = (float)(low + ((high - low) * random.NextDouble()));
        }
    }

    /// <summary>Keras <c>glorot_uniform</c>: uniform in ±√(6/(fan_in + fan_out)) over the whole (fused) matrix.</summary>
    public static void GlorotUniform(Span<float> tensor, int fanIn, int fanOut, RnnRandom random)
    {
        float limit = (float)Math.Sqrt(6.0 / (fanIn + fanOut));
        Uniform(tensor, -limit, limit, random);
    }

    /// <summary>
    /// Keras <c>orthogonal</c> (gain 1) for a (<paramref name="rows"/>, <paramref name="columns"/>) matrix: the Q factor of
    /// a standard normal matrix with Q·sign(diag(R)), so its rows (when rows ≤ columns) or columns are orthonormal.
    /// The sign-fixed Q is the unique QR factor with a positive diagonal, which Gram–Schmidt produces directly.
    /// </summary>
    public static void Orthogonal(Span<float> tensor, int rows, int columns, RnnRandom random)
    {
        if (tensor.Length != rows * columns)
        {
            throw new ArgumentException($"A ({rows}, {columns}) matrix needs {rows * columns} elements, not {tensor.Length}.", nameof(tensor));
        }

        // Keras draws the normal matrix as (n, k) with n ≥ k (transposed when rows < columns) and factors that.
        bool transpose = rows < columns;
        int n = transpose ? columns : rows;
        int k = transpose ? rows : columns;
        double[] a = new double[n * k]; // [n, k], row-major
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = random.NextNormal();
        }

        // Modified Gram–Schmidt on the k columns, done twice per column for float64-level orthogonality.
        for (int j = 0; j < k; j++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int p = 0; p < j; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < n; i++)
                    {
                        dot += a[(i * k) + p] * a[(i * k) + j];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        a[(i * k) + j] -= dot * a[(i * k) + p];
                    }
                }
            }

            double norm = 0;
            for (int i = 0; i < n; i++)
            {
                norm += a[(i * k) + j] * a[(i * k) + j];
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++)
            {
                a[(i * k) + j] /= norm;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                tensor[(r * columns) + c] = (float)(transpose ? a[(c * k) + r] : a[(r * k) + c]);
            }
        }
    }
}
