// The elementwise part of the LSTM and GRU cells, one time step over a block of rows. The matrix products (x·W, h·U and
// their gradients) are generated; these kernels apply the gate nonlinearities and the state updates between them.
// Transcendentals go through TensorPrimitives (vectorized Sigmoid and Tanh); the state updates are short fused loops.
// Gate layouts follow Keras: LSTM rows are [i | f | c | o], GRU rows are [z | r | h], each block `units` wide.
// Derivatives are taken from the activated values: σ' = y(1 − y), tanh' = 1 − y², hard_sigmoid' = 0.2 on (0, 1).
using System.Numerics.Tensors;

namespace RnnGen.Kernels;

/// <summary>One time step of the LSTM and GRU gate math, forward and backward.</summary>
public static class CellKernels
{
    /// <summary>
    /// LSTM forward: <paramref name="gates"/> holds z = x·W + h·U + b and becomes [i, f, g, o] = [σ, σ, tanh, σ](z);
    /// then c_t = f⊙c_(t−1) + i⊙g and h_t = o⊙tanh(c_t). An empty <paramref name="cellPrevious"/> means c_(−1) = 0.
    /// </summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cellPrevious, Span<float> cell, Span<float> cellTanh, Span<float> hidden, int units, bool hardSigmoid)
    {
        int rows = hidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            Span<float> z = gates.Slice(row * 4 * units, 4 * units);
            Recurrent(z.Slice(0, 2 * units), hardSigmoid);
            TensorPrimitives.Tanh(z.Slice(2 * units, units), z.Slice(2 * units, units));
            Recurrent(z.Slice(3 * units, units), hardSigmoid);
            ReadOnlySpan<float> i = z.Slice(0, units);
            ReadOnlySpan<float> f = z.Slice(units, units);
            ReadOnlySpan<float> g = z.Slice(2 * units, units);
            ReadOnlySpan<float> o = z.Slice(3 * units, units);
            Span<float> c = cell.Slice(row * units, units);
            TensorPrimitives.Multiply(i, g, c);
            if (!cellPrevious.IsEmpty)
            {
                TensorPrimitives.MultiplyAdd(f, cellPrevious.Slice(row * units, units), c, c);
            }

            Span<float> tc = cellTanh.Slice(row * units, units);
            TensorPrimitives.Tanh(c, tc);
            TensorPrimitives.Multiply(o, tc, hidden.Slice(row * units, units));
        }
    }

    /// <summary>
    /// LSTM backward through one step. In: the activated gates, c_(t−1) (empty at t = 0), tanh(c_t), the total dL/dh_t and,
    /// in <paramref name="dCell"/>, dL/dc_t from step t+1 (zero at the last step). Out: dL/dz in <paramref name="dGates"/>
    /// and dL/dc_(t−1) = dc⊙f in <paramref name="dCell"/>, where dc = dL/dc_t + dh⊙o⊙(1 − tanh²(c_t)).
    /// </summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrevious, ReadOnlySpan<float> cellTanh, ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, int units, bool hardSigmoid)
    {
        int rows = dHidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 4 * units;
            int h0 = row * units;
            for (int j = 0; j < units; j++)
            {
                float i = gates[g0 + j], f = gates[g0 + units + j], g = gates[g0 + (2 * units) + j], o = gates[g0 + (3 * units) + j];
                float tc = cellTanh[h0 + j];
                float dh = dHidden[h0 + j];
                float dc = dCell[h0 + j] + (dh * o * (1 - (tc * tc)));
                float cPrevious = cellPrevious.IsEmpty ? 0 : cellPrevious[h0 + j];
                dGates[g0 + j] = dc * g * RecurrentDerivative(i, hardSigmoid);
                dGates[g0 + units + j] = dc * cPrevious * RecurrentDerivative(f, hardSigmoid);
                dGates[g0 + (2 * units) + j] = dc * i * (1 - (g * g));
                dGates[g0 + (3 * units) + j] = dh * tc * RecurrentDerivative(o, hardSigmoid);
                dCell[h0 + j] = dc * f;
            }
        }
    }

    /// <summary>
    /// GRU forward with reset_after: <paramref name="gates"/> holds x·W + b_0 = [x_z, x_r, x_h] and becomes [z, r, ĥ] with
    /// z = σ(x_z + h_z), r = σ(x_r + h_r), ĥ = tanh(x_h + r⊙h_h), where <paramref name="recurrent"/> = h·U + b_1 = [h_z, h_r, h_h].
    /// Then h_t = z⊙h_(t−1) + (1 − z)⊙ĥ; an empty <paramref name="hiddenPrevious"/> means h_(−1) = 0.
    /// </summary>
    public static void GruResetAfterForward(Span<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> hiddenPrevious, Span<float> hidden, int units, bool hardSigmoid)
    {
        int rows = hidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            Span<float> x = gates.Slice(row * 3 * units, 3 * units);
            ReadOnlySpan<float> hz = recurrent.Slice(row * 3 * units, 3 * units);
            TensorPrimitives.Add(x.Slice(0, 2 * units), hz.Slice(0, 2 * units), x.Slice(0, 2 * units));
            Recurrent(x.Slice(0, 2 * units), hardSigmoid);
            Span<float> candidate = x.Slice(2 * units, units);
            TensorPrimitives.MultiplyAdd(x.Slice(units, units), hz.Slice(2 * units, units), candidate, candidate);
            TensorPrimitives.Tanh(candidate, candidate);
            Blend(x.Slice(0, units), candidate, hiddenPrevious.IsEmpty ? default : hiddenPrevious.Slice(row * units, units), hidden.Slice(row * units, units));
        }
    }

    /// <summary>
    /// GRU backward with reset_after through one step. With dh the total dL/dh_t: dz = dh⊙(h_(t−1) − ĥ)⊙z', da = dh⊙(1 − z)⊙(1 − ĥ²),
    /// dr = da⊙h_h⊙r'. Writes [dz, dr, da] (the input side) to <paramref name="dGates"/>, [dz, dr, da⊙r] (the recurrent side)
    /// to <paramref name="dRecurrent"/>, and adds dh⊙z to <paramref name="dHiddenPrevious"/> (empty at t = 0).
    /// </summary>
    public static void GruResetAfterBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dRecurrent, Span<float> dHiddenPrevious, int units, bool hardSigmoid)
    {
        int rows = dHidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 3 * units;
            int h0 = row * units;
            for (int j = 0; j < units; j++)
            {
                float z = gates[g0 + j], r = gates[g0 + units + j], candidate = gates[g0 + (2 * units) + j];
                float dh = dHidden[h0 + j];
                float previous = hiddenPrevious.IsEmpty ? 0 : hiddenPrevious[h0 + j];
                float dz = dh * (previous - candidate) * RecurrentDerivative(z, hardSigmoid);
                float da = dh * (1 - z) * (1 - (candidate * candidate));
                float dr = da * recurrent[g0 + (2 * units) + j] * RecurrentDerivative(r, hardSigmoid);
                dGates[g0 + j] = dz;
                dGates[g0 + units + j] = dr;
                dGates[g0 + (2 * units) + j] = da;
                dRecurrent[g0 + j] = dz;
                dRecurrent[g0 + units + j] = dr;
                dRecurrent[g0 + (2 * units) + j] = da * r;
                if (!dHiddenPrevious.IsEmpty)
                {
                    dHiddenPrevious[h0 + j] += dh * z;
                }
            }
        }
    }

    /// <summary>
    /// GRU forward with reset_after = false, first half: [z, r] = σ(gates' first 2u columns), which already hold
    /// x·W + b + h·U_zr; then r⊙h_(t−1) into <paramref name="resetHidden"/> for the candidate's product with U_h.
    /// </summary>
    public static void GruResetBeforeGates(Span<float> gates, ReadOnlySpan<float> hiddenPrevious, Span<float> resetHidden, int units, bool hardSigmoid)
    {
        int rows = resetHidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            Span<float> x = gates.Slice(row * 3 * units, 3 * units);
            Recurrent(x.Slice(0, 2 * units), hardSigmoid);
            Span<float> rh = resetHidden.Slice(row * units, units);
            if (hiddenPrevious.IsEmpty)
            {
                rh.Clear();
            }
            else
            {
                TensorPrimitives.Multiply(x.Slice(units, units), hiddenPrevious.Slice(row * units, units), rh);
            }
        }
    }

    /// <summary>
    /// GRU forward with reset_after = false, second half: ĥ = tanh(gates' last u columns, which hold x_h + (r⊙h)·U_h), then
    /// h_t = z⊙h_(t−1) + (1 − z)⊙ĥ.
    /// </summary>
    public static void GruResetBeforeOutput(Span<float> gates, ReadOnlySpan<float> hiddenPrevious, Span<float> hidden, int units)
    {
        int rows = hidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            Span<float> x = gates.Slice(row * 3 * units, 3 * units);
            Span<float> candidate = x.Slice(2 * units, units);
            TensorPrimitives.Tanh(candidate, candidate);
            Blend(x.Slice(0, units), candidate, hiddenPrevious.IsEmpty ? default : hiddenPrevious.Slice(row * units, units), hidden.Slice(row * units, units));
        }
    }

    /// <summary>
    /// GRU backward with reset_after = false, first half: dz and da = dh⊙(1 − z)⊙(1 − ĥ²) into columns z and h of
    /// <paramref name="dGates"/>, and dh⊙z added to <paramref name="dHiddenPrevious"/> (empty at t = 0).
    /// </summary>
    public static void GruResetBeforeBackwardOutput(ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dHiddenPrevious, int units, bool hardSigmoid)
    {
        int rows = dHidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 3 * units;
            int h0 = row * units;
            for (int j = 0; j < units; j++)
            {
                float z = gates[g0 + j], candidate = gates[g0 + (2 * units) + j];
                float dh = dHidden[h0 + j];
                float previous = hiddenPrevious.IsEmpty ? 0 : hiddenPrevious[h0 + j];
                dGates[g0 + j] = dh * (previous - candidate) * RecurrentDerivative(z, hardSigmoid);
                dGates[g0 + (2 * units) + j] = dh * (1 - z) * (1 - (candidate * candidate));
                if (!dHiddenPrevious.IsEmpty)
                {
                    dHiddenPrevious[h0 + j] += dh * z;
                }
            }
        }
    }

    /// <summary>
    /// GRU backward with reset_after = false, second half: from d(r⊙h) = da·U_hᵀ, dr = d(r⊙h)⊙h_(t−1)⊙r' into column r of
    /// <paramref name="dGates"/>, and d(r⊙h)⊙r added to <paramref name="dHiddenPrevious"/>. Both vanish at t = 0.
    /// </summary>
    public static void GruResetBeforeBackwardReset(ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dResetHidden, Span<float> dGates, Span<float> dHiddenPrevious, int units, bool hardSigmoid)
    {
        int rows = dResetHidden.Length / units;
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 3 * units;
            int h0 = row * units;
            for (int j = 0; j < units; j++)
            {
                float r = gates[g0 + units + j];
                float drh = dResetHidden[h0 + j];
                if (hiddenPrevious.IsEmpty)
                {
                    dGates[g0 + units + j] = 0;
                    continue;
                }

                dGates[g0 + units + j] = drh * hiddenPrevious[h0 + j] * RecurrentDerivative(r, hardSigmoid);
                dHiddenPrevious[h0 + j] += drh * r;
            }
        }
    }

    /// <summary>The recurrent activation in place: σ, or Keras 2's hard_sigmoid clip(0.2x + 0.5, 0, 1).</summary>
    public static void Recurrent(Span<float> x, bool hardSigmoid)
    {
        if (hardSigmoid)
        {
            TensorPrimitives.Multiply(x, 0.2f, x);
            TensorPrimitives.Add(x, 0.5f, x);
            TensorPrimitives.Max(x, 0f, x);
            TensorPrimitives.Min(x, 1f, x);
        }
        else
        {
            TensorPrimitives.Sigmoid(x, x);
        }
    }

    /// <summary>The derivative of the recurrent activation at the point whose activated value is <paramref name="y"/>.</summary>
    public static float RecurrentDerivative(float y, bool hardSigmoid) =>
        hardSigmoid ? (y > 0 && y < 1 ? 0.2f : 0f) : y * (1 - y);

    // h = z⊙h_prev + (1 − z)⊙ĥ = ĥ + z⊙(h_prev − ĥ); an empty h_prev is zero.
    private static void Blend(ReadOnlySpan<float> z, ReadOnlySpan<float> candidate, ReadOnlySpan<float> hiddenPrevious, Span<float> hidden)
    {
        for (int j = 0; j < hidden.Length; j++)
        {
            float previous = hiddenPrevious.IsEmpty ? 0 : hiddenPrevious[j];
            hidden[j] = candidate[j] + (z[j] * (previous - candidate[j]));
        }
    }
}
