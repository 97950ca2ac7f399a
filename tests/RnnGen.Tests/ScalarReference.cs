namespace RnnGen.Tests;

/// <summary>
/// A plain, double-precision implementation of the whole model (forward, loss, full backpropagation through time),
/// written from the equations in KERAS-CONVENTIONS §1.1 with no shared code, no vectors and no clever indexing.
/// The generated code must agree with it.
/// </summary>
internal static class ScalarReference
{
    public sealed record Result(double[] Logits, double Loss, double[] Gradients);

    public static Result Run(ModelDescription model, ReadOnlySpan<float> parameterSpan, int[] tokens, float[] labels)
    {
        double[] p = new double[parameterSpan.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = parameterSpan[i];
        }

        int T = model.SeqLen, E = model.Embed, U = model.Units, L = model.Layers;
        int B = labels.Length;
        bool relu = model.Activation == RnnActivation.Relu;
        TensorInfo emb = model.FindTensor("embedding/embeddings")!;
        TensorInfo dk = model.FindTensor("dense/kernel")!;
        TensorInfo db = model.FindTensor("dense/bias")!;
        string LayerName(int l) => l == 0 ? "simple_rnn" : $"simple_rnn_{l}";

        // xs[l][t][b][k]: the input of layer l; hs[l][t][b][j]: its output.
        var xs = new double[L + 1][][][];
        xs[0] = New(T, B, E);
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++)
            {
                for (int e = 0; e < E; e++)
                {
                    xs[0][t][b][e] = p[emb.Offset + (tokens[(b * T) + t] * E) + e];
                }
            }
        }

        for (int l = 0; l < L; l++)
        {
            int d = l == 0 ? E : U;
            TensorInfo w = model.FindTensor(LayerName(l) + "/kernel")!;
            TensorInfo u = model.FindTensor(LayerName(l) + "/recurrent_kernel")!;
            TensorInfo bias = model.FindTensor(LayerName(l) + "/bias")!;
            xs[l + 1] = New(T, B, U);
            for (int t = 0; t < T; t++)
            {
                for (int b = 0; b < B; b++)
                {
                    for (int j = 0; j < U; j++)
                    {
                        double a = p[bias.Offset + j];
                        for (int k = 0; k < d; k++)
                        {
                            a += xs[l][t][b][k] * p[w.Offset + (k * U) + j];
                        }

                        if (t > 0)
                        {
                            for (int k = 0; k < U; k++)
                            {
                                a += xs[l + 1][t - 1][b][k] * p[u.Offset + (k * U) + j];
                            }
                        }

                        xs[l + 1][t][b][j] = relu ? Math.Max(a, 0) : Math.Tanh(a);
                    }
                }
            }
        }

        double[] logits = new double[B];
        double loss = 0;
        double[] dz = new double[B];
        for (int b = 0; b < B; b++)
        {
            double z = p[db.Offset];
            for (int j = 0; j < U; j++)
            {
                z += xs[L][T - 1][b][j] * p[dk.Offset + j];
            }

            logits[b] = z;
            loss += Math.Max(z, 0) - (z * labels[b]) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            dz[b] = ((1 / (1 + Math.Exp(-z))) - labels[b]) / B;
        }

        loss /= B;
        double[] g = new double[p.Length];
        double[][][] dh = New(T, B, U);
        for (int b = 0; b < B; b++)
        {
            g[db.Offset] += dz[b];
            for (int j = 0; j < U; j++)
            {
                g[dk.Offset + j] += xs[L][T - 1][b][j] * dz[b];
                dh[T - 1][b][j] = dz[b] * p[dk.Offset + j];
            }
        }

        for (int l = L - 1; l >= 0; l--)
        {
            int d = l == 0 ? E : U;
            TensorInfo w = model.FindTensor(LayerName(l) + "/kernel")!;
            TensorInfo u = model.FindTensor(LayerName(l) + "/recurrent_kernel")!;
            TensorInfo bias = model.FindTensor(LayerName(l) + "/bias")!;
            double[][][] h = xs[l + 1];
            double[][][] dx = New(T, B, d);
            double[][] carry = New(B, U);
            for (int t = T - 1; t >= 0; t--)
            {
                double[][] nextCarry = New(B, U);
                for (int b = 0; b < B; b++)
                {
                    for (int j = 0; j < U; j++)
                    {
                        double grad = dh[t][b][j] + carry[b][j];
                        double da = grad * (relu ? (h[t][b][j] > 0 ? 1 : 0) : 1 - (h[t][b][j] * h[t][b][j]));
                        g[bias.Offset + j] += da;
                        for (int k = 0; k < d; k++)
                        {
                            g[w.Offset + (k * U) + j] += xs[l][t][b][k] * da;
                            dx[t][b][k] += da * p[w.Offset + (k * U) + j];
                        }

                        if (t > 0)
                        {
                            for (int k = 0; k < U; k++)
                            {
                                g[u.Offset + (k * U) + j] += h[t - 1][b][k] * da;
                                nextCarry[b][k] += da * p[u.Offset + (k * U) + j];
                            }
                        }
                    }
                }

                carry = nextCarry;
            }

            if (l > 0)
            {
                dh = dx;
            }
            else
            {
                for (int t = 0; t < T; t++)
                {
                    for (int b = 0; b < B; b++)
                    {
                        for (int e = 0; e < E; e++)
                        {
                            g[emb.Offset + (tokens[(b * T) + t] * E) + e] += dx[t][b][e];
                        }
                    }
                }
            }
        }

        return new Result(logits, loss, g);
    }

    private static double[][][] New(int a, int b, int c)
    {
        var result = new double[a][][];
        for (int i = 0; i < a; i++)
        {
            result[i] = New(b, c);
        }

        return result;
    }

    private static double[][] New(int a, int b)
    {
        var result = new double[a][];
        for (int i = 0; i < a; i++)
        {
            result[i] = new double[b];
        }

        return result;
    }
}
