namespace RnnGen.Tests;

/// <summary>
/// A plain, double-precision implementation of the whole model, written from the equations in docs/keras-conventions.md, Layers
/// with no shared code, no vectors and no clever indexing. SimpleRNN has a hand-derived backward pass; for LSTM and GRU
/// (and every masked or Bidirectional model) the reference gradient is the central difference of the double-precision forward pass (h = 1e-6, exact to ~1e-9),
/// so it shares no derivation with the generated backward. The generated code must agree with it.
/// </summary>
internal static class ScalarReference
{
    public sealed record Result(double[] Logits, double Loss, double[] Gradients);

    public static Result Run(ModelDescription model, ReadOnlySpan<float> parameterSpan, int[] tokens, float[] labels)
    {
        if (model.Cell != RnnCell.SimpleRnn || model.MaskZero || model.Bidirectional)
        {
            double[] weights = new double[parameterSpan.Length];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = parameterSpan[i];
            }

            (double[] gatedLogits, double gatedLoss) = GatedForward(model, weights, tokens, labels);
            double[] gradients = new double[weights.Length];
            const double H = 1e-6;
            for (int i = 0; i < weights.Length; i++)
            {
                double original = weights[i];
                weights[i] = original + H;
                double plus = GatedForward(model, weights, tokens, labels).Loss;
                weights[i] = original - H;
                double minus = GatedForward(model, weights, tokens, labels).Loss;
                weights[i] = original;
                gradients[i] = (plus - minus) / (2 * H);
            }

            return new Result(gatedLogits, gatedLoss, gradients);
        }

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

        (double[] logits, double loss, double[] dz) = DenseHead(model, p, xs[L][T - 1], labels);
        int N = model.Classes;
        double[] g = new double[p.Length];
        double[][][] dh = New(T, B, U);
        for (int b = 0; b < B; b++)
        {
            for (int k = 0; k < N; k++)
            {
                g[db.Offset + k] += dz[(b * N) + k];
                for (int j = 0; j < U; j++)
                {
                    g[dk.Offset + (j * N) + k] += xs[L][T - 1][b][j] * dz[(b * N) + k];
                    dh[T - 1][b][j] += dz[(b * N) + k] * p[dk.Offset + (j * N) + k];
                }
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

    /// <summary>
    /// Dropout masks of one layer, as Keras applies them: Input[k][b][j] multiplies x_t[b][j] in the product of gate block k,
    /// Recurrent[k][b][j] multiplies h_(t-1)[b][j]; one array each when all gates share one mask.
    /// </summary>
    public sealed record LayerMasks(double[][][]? Input, double[][][]? Recurrent);

    /// <summary>Forward in double for every cell (with optional dropout masks): logits and the mean loss.</summary>
    public static (double[] Logits, double Loss) GatedForward(ModelDescription model, double[] p, int[] tokens, float[] labels, LayerMasks[]? masks = null)
    {
        int T = model.SeqLen, E = model.Embed, U = model.Units, L = model.Layers, B = labels.Length;
        bool hard = model.RecurrentActivation == RecurrentActivation.HardSigmoid;
        double Gate(double x) => hard ? Math.Clamp((0.2 * x) + 0.5, 0, 1) : 1 / (1 + Math.Exp(-x));
        string stem = model.Cell switch { RnnCell.Lstm => "lstm", RnnCell.Gru => "gru", _ => "simple_rnn" };
        TensorInfo emb = model.FindTensor("embedding/embeddings")!;
        double[][][] x = New(T, B, E);
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++)
            {
                for (int e = 0; e < E; e++)
                {
                    x[t][b][e] = p[emb.Offset + (tokens[(b * T) + t] * E) + e];
                }
            }
        }

        double[][] last = [];
        for (int l = 0; l < L; l++)
        {
            int d = l == 0 ? E : (model.Bidirectional ? 2 * U : U);
            string inner = l == 0 ? stem : $"{stem}_{l}";
            string wrapper = l == 0 ? "bidirectional" : $"bidirectional_{l}";
            int directions = model.Bidirectional ? 2 : 1;

            // outputs[direction][t][b]: the copy's output on reading x_t (the backward copy reads x_(T-1) first).
            var outputs = new double[directions][][][];
            for (int direction = 0; direction < directions; direction++)
            {
                bool backward = direction == 1;
                string name = model.Bidirectional ? $"{wrapper}/{(backward ? "backward" : "forward")}_{inner}" : inner;
                outputs[direction] = Layer(name, l * directions + direction, d, backward);
            }

            if (!model.Bidirectional)
            {
                x = outputs[0];
                last = x[T - 1];
                continue;
            }

            // concat: y_t = [f_t | b_t]; the head reads [f_(T-1) | b_0], the state after each copy's last read.
            var merged = New(T, B, 2 * U);
            for (int t = 0; t < T; t++)
            {
                for (int b = 0; b < B; b++)
                {
                    bool padded = model.MaskZero && tokens[(b * T) + t] == 0;
                    for (int j = 0; j < U; j++)
                    {
                        merged[t][b][j] = padded ? 0 : outputs[0][t][b][j];
                        merged[t][b][U + j] = padded ? 0 : outputs[1][t][b][j];
                    }
                }
            }

            last = New(B, 2 * U);
            for (int b = 0; b < B; b++)
            {
                for (int j = 0; j < U; j++)
                {
                    last[b][j] = outputs[0][T - 1][b][j];
                    last[b][U + j] = outputs[1][0][b][j];
                }
            }

            x = merged;
        }

        (double[] logits, double loss, _) = DenseHead(model, p, last, labels);
        return (logits, loss);

        // One recurrent layer (or one copy) over the input x, which it reads backward with go_backwards.
        double[][][] Layer(string name, int maskIndex, int d, bool backward)
        {
            TensorInfo w = model.FindTensor(name + "/kernel")!;
            TensorInfo u = model.FindTensor(name + "/recurrent_kernel")!;
            TensorInfo bias = model.FindTensor(name + "/bias")!;
            int G = w.Columns;
            double[][][]? inputMask = masks?[maskIndex].Input;
            double[][][]? recurrentMask = masks?[maskIndex].Recurrent;
            double InputMask(int column, int b, int k) => inputMask is null ? 1 : inputMask[inputMask.Length == 1 ? 0 : column / U][b][k];
            double RecurrentMask(int column, int b, int k) => recurrentMask is null ? 1 : recurrentMask[recurrentMask.Length == 1 ? 0 : column / U][b][k];
            double[][][] h = New(T, B, U);
            for (int b = 0; b < B; b++)
            {
                double[] hPrev = new double[U];
                double[] cPrev = new double[U];
                for (int step = 0; step < T; step++)
                {
                    int t = backward ? T - 1 - step : step;

                    // xw = x·W (+ input bias); hu = h·U (+ recurrent bias for reset_after), per gate column.
                    double[] xw = new double[G];
                    double[] hu = new double[G];
                    for (int j = 0; j < G; j++)
                    {
                        xw[j] = p[bias.Offset + j];
                        hu[j] = bias.Rows == 2 ? p[bias.Offset + G + j] : 0;
                        for (int k = 0; k < d; k++)
                        {
                            xw[j] += x[t][b][k] * InputMask(j, b, k) * p[w.Offset + (k * G) + j];
                        }

                        for (int k = 0; k < U; k++)
                        {
                            hu[j] += hPrev[k] * RecurrentMask(j, b, k) * p[u.Offset + (k * G) + j];
                        }
                    }

                    double[] hNew = new double[U];
                    double[] cBefore = (double[])cPrev.Clone();
                    if (model.Cell == RnnCell.SimpleRnn)
                    {
                        for (int j = 0; j < U; j++)
                        {
                            double a = xw[j] + hu[j];
                            hNew[j] = model.Activation == RnnActivation.Relu ? Math.Max(a, 0) : Math.Tanh(a);
                        }
                    }
                    else if (model.Cell == RnnCell.Lstm)
                    {
                        for (int j = 0; j < U; j++)
                        {
                            double i = Gate(xw[j] + hu[j]);
                            double f = Gate(xw[U + j] + hu[U + j]);
                            double g = Math.Tanh(xw[(2 * U) + j] + hu[(2 * U) + j]);
                            double o = Gate(xw[(3 * U) + j] + hu[(3 * U) + j]);
                            cPrev[j] = (f * cPrev[j]) + (i * g);
                            hNew[j] = o * Math.Tanh(cPrev[j]);
                        }
                    }
                    else if (model.ResetAfter)
                    {
                        for (int j = 0; j < U; j++)
                        {
                            double z = Gate(xw[j] + hu[j]);
                            double r = Gate(xw[U + j] + hu[U + j]);
                            double candidate = Math.Tanh(xw[(2 * U) + j] + (r * hu[(2 * U) + j]));
                            hNew[j] = (z * hPrev[j]) + ((1 - z) * candidate);
                        }
                    }
                    else
                    {
                        double[] z = new double[U], r = new double[U];
                        for (int j = 0; j < U; j++)
                        {
                            z[j] = Gate(xw[j] + hu[j]);
                            r[j] = Gate(xw[U + j] + hu[U + j]);
                        }

                        for (int j = 0; j < U; j++)
                        {
                            double a = xw[(2 * U) + j];
                            for (int k = 0; k < U; k++)
                            {
                                a += r[k] * hPrev[k] * RecurrentMask((2 * U) + j, b, k) * p[u.Offset + (k * G) + (2 * U) + j];
                            }

                            hNew[j] = (z[j] * hPrev[j]) + ((1 - z[j]) * Math.Tanh(a));
                        }
                    }

                    if (model.MaskZero && tokens[(b * T) + t] == 0)
                    {
                        // mask_zero: a padded step leaves h (and c, restored below) as they were.
                        hNew = hPrev;
                        cPrev = cBefore;
                    }

                    h[t][b] = hNew;
                    hPrev = hNew;
                }
            }

            return h;
        }
    }

    /// <summary>
    /// The Dense head in double from the top layer's last state: logits [B, N] (N = 1 for the sigmoid head), the mean
    /// loss (binary cross-entropy from the logit, or logsumexp(z) − z[y] for softmax), and dL/dlogits.
    /// </summary>
    private static (double[] Logits, double Loss, double[] DLogits) DenseHead(ModelDescription model, double[] p, double[][] hLast, float[] labels)
    {
        int B = labels.Length, N = model.Classes;
        TensorInfo dk = model.FindTensor("dense/kernel")!;
        TensorInfo db = model.FindTensor("dense/bias")!;
        int U = dk.Rows; // u, or 2u for [f | b]
        double[] logits = new double[B * N];
        double[] dz = new double[B * N];
        double loss = 0;
        for (int b = 0; b < B; b++)
        {
            for (int k = 0; k < N; k++)
            {
                double z = p[db.Offset + k];
                for (int j = 0; j < U; j++)
                {
                    z += hLast[b][j] * p[dk.Offset + (j * N) + k];
                }

                logits[(b * N) + k] = z;
            }

            if (N == 1)
            {
                double z = logits[b];
                loss += Math.Max(z, 0) - (z * labels[b]) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                dz[b] = ((1 / (1 + Math.Exp(-z))) - labels[b]) / B;
                continue;
            }

            double max = double.NegativeInfinity;
            for (int k = 0; k < N; k++)
            {
                max = Math.Max(max, logits[(b * N) + k]);
            }

            double sum = 0;
            for (int k = 0; k < N; k++)
            {
                sum += Math.Exp(logits[(b * N) + k] - max);
            }

            double logSumExp = max + Math.Log(sum);
            int label = (int)labels[b];
            loss += logSumExp - logits[(b * N) + label];
            for (int k = 0; k < N; k++)
            {
                dz[(b * N) + k] = (Math.Exp(logits[(b * N) + k] - logSumExp) - (k == label ? 1 : 0)) / B;
            }
        }

        return (logits, loss / B, dz);
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
