// Small matrix helpers of the backward pass: transposes of the weights (so every product in backward is a
// row-times-matrix product the generated microkernels handle), the column sums that give bias gradients, and the
// scatter-add of the embedding gradient.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// <c>Σ_i x[i]·y[i]</c>, in index order with one fused multiply-add per term: the same bits on every vector width and
    /// machine (TensorPrimitives.Dot splits the sum into as many partial sums as the widest vector has lanes, so its result
    /// changes with the CPU). The dense head's dot products are u terms long, so the order costs nothing measurable.
    /// </summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"A dot product of {x.Length} and {y.Length} elements: the lengths must match.");
        }

        float sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum = MathF.FusedMultiplyAdd(x[i], y[i], sum);
        }

        return sum;
    }

    /// <summary>
    /// One sample through a Dense(N) head: <c>logits[k] = Σ_j hidden[j]·kernel[j, k] + bias[k]</c>, kernel (u, N)
    /// row-major. Each class is one ordered fused chain, as in <see cref="Dot"/>, so every vector width gives the same bits.
    /// </summary>
    public static void DenseForward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> logits)
    {
        int classes = logits.Length;
        CheckDense(hidden.Length, kernel.Length, bias.Length, classes);
        for (int k = 0; k < classes; k++)
        {
            float sum = 0;
            for (int j = 0; j < hidden.Length; j++)
            {
                sum = MathF.FusedMultiplyAdd(hidden[j], kernel[(j * classes) + k], sum);
            }

            logits[k] = sum + bias[k];
        }
    }

    /// <summary>
    /// One sample back through a Dense(N) head, with dz = dL/dlogits: <c>dKernel[j, k] += hidden[j]·dz[k]</c>,
    /// <c>dBias[k] += dz[k]</c>, and <c>dHidden[j] = Σ_k dz[k]·kernel[j, k]</c> (overwritten), each in index order.
    /// </summary>
    public static void DenseBackward(
        ReadOnlySpan<float> hidden,
        ReadOnlySpan<float> dLogits,
        ReadOnlySpan<float> kernel,
        Span<float> dKernel,
        Span<float> dBias,
        Span<float> dHidden)
    {
        int classes = dLogits.Length;
        CheckDense(hidden.Length, kernel.Length, dBias.Length, classes);
        if (dKernel.Length != kernel.Length || dHidden.Length != hidden.Length)
        {
            throw new ArgumentException("The Dense gradients must have the shapes of the kernel and the hidden state.");
        }

        for (int j = 0; j < hidden.Length; j++)
        {
            float dh = 0;
            for (int k = 0; k < classes; k++)
            {
                int w = (j * classes) + k;
                dKernel[w] = MathF.FusedMultiplyAdd(hidden[j], dLogits[k], dKernel[w]);
                dh = MathF.FusedMultiplyAdd(dLogits[k], kernel[w], dh);
            }

            dHidden[j] = dh;
        }

        for (int k = 0; k < classes; k++)
        {
            dBias[k] += dLogits[k];
        }
    }

    private static void CheckDense(int units, int kernel, int bias, int classes)
    {
        if (kernel != units * classes || bias != classes)
        {
            throw new ArgumentException($"A Dense({classes}) head over {units} units needs a ({units}, {classes}) kernel and {classes} biases; got {kernel} and {bias}.");
        }
    }

    /// <summary>The floats of gates one chunk of the forward pass holds (256 KB): with the inputs and states of the same
    /// steps it stays in the L2 of every machine we run on (512 KB on Zen 3, 1 MB on Zen 5).</summary>
    public const int ChunkFloats = 1 << 16;

    /// <summary>
    /// The floats of gate gradients one chunk of the backward pass holds (512 KB). Its steps run backward through time,
    /// then its weight gradients and dL/dx_t read its dz from cache. Twice the forward chunk: each chunk restarts the
    /// descending streams of the stored activations, and with 256 KB chunks the time loop's cell kernel lost to that what
    /// the weight gradients gained (LSTM(32), Zen 5: backward 1.96 times the forward's samples against 2.00 with one pass
    /// after the time loop; 512 KB chunks gave 1.89).
    /// </summary>
    public const int BackwardChunkFloats = 1 << 17;

    /// <summary>
    /// The steps per chunk of the generated forward pass (each chunk's input projections just before its steps, so the
    /// gates never go to memory and back): <see cref="ChunkFloats"/> / <paramref name="floatsPerStep"/>, at least 1 (also
    /// for an empty shard). The chunking does not change any result, only where the data is read from.
    /// </summary>
    public static int StepsPerChunk(nint floatsPerStep) => StepsPer(ChunkFloats, floatsPerStep);

    /// <summary>
    /// The steps per chunk of the generated backward pass: <see cref="BackwardChunkFloats"/> / <paramref name="floatsPerStep"/>,
    /// at least 1. The weight gradients add the chunks last first, so the chunk size is part of the result: it depends on
    /// the shard's row count and the layer's widths alone, never on the vector width or the thread count.
    /// </summary>
    public static int StepsPerBackwardChunk(nint floatsPerStep) => StepsPer(BackwardChunkFloats, floatsPerStep);

    /// <summary>
    /// The floats of a buffer that holds one backward chunk of steps (<see cref="StepsPerBackwardChunk"/>) for shards of up
    /// to the rows whose step is <paramref name="floatsPerStep"/> floats: min(T, steps per chunk)·floats per step is at most
    /// min(T·floats per step, max(<see cref="BackwardChunkFloats"/>, floats per step)) for every smaller shard too.
    /// </summary>
    public static int BackwardChunkCapacity(int seqLen, int floatsPerStep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seqLen);
        ArgumentOutOfRangeException.ThrowIfNegative(floatsPerStep);
        return (int)Math.Min((long)seqLen * floatsPerStep, Math.Max(BackwardChunkFloats, floatsPerStep));
    }

    private static int StepsPer(int chunkFloats, nint floatsPerStep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floatsPerStep);
        return floatsPerStep == 0 ? 1 : (int)Math.Max(1, chunkFloats / floatsPerStep);
    }

    /// <summary>
    /// <c>sums[c] += Σ_r matrix[r, c]</c> over a row-major matrix of <paramref name="columns"/> columns, rows in order.
    /// Each block of 8 columns is summed in one register down a block of rows (no call per row: a bias gradient sums
    /// 32,000 rows of a shard); the additions per element are the same, in the same order, as a row-by-row loop.
    /// </summary>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, int columns, Span<float> sums)
    {
        if (columns <= 0 || matrix.Length % columns != 0 || sums.Length != columns)
        {
            throw new ArgumentException($"A matrix of {matrix.Length} elements does not have rows of {columns} columns summed into {sums.Length}.");
        }

        ref float matrixRef = ref MemoryMarshal.GetReference(matrix);
        ref float sumsRef = ref MemoryMarshal.GetReference(sums);
        int rows = matrix.Length / columns;
        // Rows in blocks that stay in L1 while every column block sweeps them (a sweep of all rows per column block
        // would read the whole matrix once per 8 columns).
        int blockRows = Math.Max(1, 8192 / columns);
        for (int first = 0; first < rows; first += blockRows)
        {
            int last = Math.Min(first + blockRows, rows);
            int c = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Four column blocks at once: four independent addition chains hide the add latency.
                for (; c <= columns - (4 * Vector256<float>.Count); c += 4 * Vector256<float>.Count)
                {
                    ref float sumRef = ref Unsafe.Add(ref sumsRef, c);
                    Vector256<float> sum0 = Vector256.LoadUnsafe(ref sumRef, 0);
                    Vector256<float> sum1 = Vector256.LoadUnsafe(ref sumRef, 8);
                    Vector256<float> sum2 = Vector256.LoadUnsafe(ref sumRef, 16);
                    Vector256<float> sum3 = Vector256.LoadUnsafe(ref sumRef, 24);
                    for (int r = first; r < last; r++)
                    {
                        ref float row = ref Unsafe.Add(ref matrixRef, (r * columns) + c);
                        sum0 += Vector256.LoadUnsafe(ref row, 0);
                        sum1 += Vector256.LoadUnsafe(ref row, 8);
                        sum2 += Vector256.LoadUnsafe(ref row, 16);
                        sum3 += Vector256.LoadUnsafe(ref row, 24);
                    }

                    sum0.StoreUnsafe(ref sumRef, 0);
                    sum1.StoreUnsafe(ref sumRef, 8);
                    sum2.StoreUnsafe(ref sumRef, 16);
                    sum3.StoreUnsafe(ref sumRef, 24);
                }

                for (; c <= columns - Vector256<float>.Count; c += Vector256<float>.Count)
                {
                    Vector256<float> sum = Vector256.LoadUnsafe(ref sumsRef, (nuint)c);
                    for (int r = first; r < last; r++)
                    {
                        sum += Vector256.LoadUnsafe(ref matrixRef, (nuint)((r * columns) + c));
                    }

                    sum.StoreUnsafe(ref sumsRef, (nuint)c);
                }
            }

            for (; c < columns; c++)
            {
                float sum = Unsafe.Add(ref sumsRef, c);
                for (int r = first; r < last; r++)
                {
                    sum += Unsafe.Add(ref matrixRef, (r * columns) + c);
                }

                Unsafe.Add(ref sumsRef, c) = sum;
            }
        }
    }

    /// <summary>
    /// The embedding gradient: <c>gradients[tokens[b, t]] += dx[t, b]</c> for b &lt; batch, t &lt; seqLen in that order,
    /// with <paramref name="dx"/> time-major ([seqLen, batch, width]) and each row <paramref name="width"/> floats.
    /// A row not yet in <paramref name="usedRows"/> is overwritten rather than added to, and recorded there, so rows left
    /// from earlier batches need no clearing (only the rows in <paramref name="usedRows"/> are meaningful afterwards).
    /// </summary>
    public static void AddEmbeddingRows(ReadOnlySpan<int> tokens, int seqLen, int batch, ReadOnlySpan<float> dx, Span<float> gradients, int width, RowTracker usedRows)
    {
        ArgumentNullException.ThrowIfNull(usedRows);
        if (tokens.Length < seqLen * batch || dx.Length < seqLen * batch * width)
        {
            throw new ArgumentException($"{batch} rows of {seqLen} steps need {seqLen * batch} tokens and {seqLen * batch * width} gradients, but {tokens.Length} and {dx.Length} were given.");
        }

        ref float dxRef = ref MemoryMarshal.GetReference(dx);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < seqLen; t++)
            {
                int id = tokens[(b * seqLen) + t];
                Span<float> row = gradients.Slice(id * width, width); // checks the id against the table
                ref float rowRef = ref MemoryMarshal.GetReference(row);
                ref float source = ref Unsafe.Add(ref dxRef, ((t * batch) + b) * width);
                // On the row's first use in this batch its old contents are replaced by 0 + dx, exactly what adding to a
                // cleared row gives (−0 becomes +0).
                bool firstUse = usedRows.Add(id);
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; j <= width - Vector256<float>.Count; j += Vector256<float>.Count)
                    {
                        Vector256<float> sum = firstUse ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref rowRef, (nuint)j);
                        (sum + Vector256.LoadUnsafe(ref source, (nuint)j)).StoreUnsafe(ref rowRef, (nuint)j);
                    }
                }

                for (; j < width; j++)
                {
                    Unsafe.Add(ref rowRef, j) = (firstUse ? 0f : Unsafe.Add(ref rowRef, j)) + Unsafe.Add(ref source, j);
                }
            }
        }
    }
}
