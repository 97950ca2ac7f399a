// The elementwise part of the LSTM and GRU cells, one time step over a block of rows. The matrix products (x·W, h·U and
// their gradients) are generated; these kernels apply the gate nonlinearities and the state updates between them.
// The LSTM and GRU (reset_after, the default) steps are one fused Vector256 pass per row, forward and backward; the
// reset_after = false steps use span passes for the transcendentals and short loops for the state updates.
// σ and tanh come from FastMath (float exp, within 3 ulp; TensorPrimitives' float exp widens to double and was slower).
// Gate layouts follow Keras: LSTM rows are [i | f | c | o], GRU rows are [z | r | h], each block `units` wide.
// Derivatives are taken from the activated values: σ' = y(1 − y), tanh' = 1 − y², hard_sigmoid' = 0.2 on (0, 1).
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>One time step of the LSTM and GRU gate math, forward and backward.</summary>
public static class CellKernels
{
    /// <summary>
    /// LSTM forward: <paramref name="gates"/> holds z = x·W + h·U + b and becomes [i, f, g, o] = [σ, σ, tanh, σ](z);
    /// then c_t = f⊙c_(t−1) + i⊙g and h_t = o⊙tanh(c_t). An empty <paramref name="cellPrevious"/> means c_(−1) = 0.
    /// One fused pass per row: Vector256 over the units, then a scalar tail.
    /// </summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cellPrevious, Span<float> cell, Span<float> cellTanh, Span<float> hidden, int units, bool hardSigmoid)
    {
        int rows = hidden.Length / units;
        bool hasPrevious = !cellPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float previousRef = ref MemoryMarshal.GetReference(cellPrevious);
        ref float cellRef = ref MemoryMarshal.GetReference(cell);
        ref float tanhRef = ref MemoryMarshal.GetReference(cellTanh);
        ref float hiddenRef = ref MemoryMarshal.GetReference(hidden);
        for (int row = 0; row < rows; row++)
        {
            ref float z = ref Unsafe.Add(ref gateRef, row * 4 * units);
            nint h0 = row * units;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= units - Vector256<float>.Count; j += Vector256<float>.Count)
                {
                    Vector256<float> i = Gate(Vector256.LoadUnsafe(ref z, (nuint)j), hardSigmoid);
                    Vector256<float> f = Gate(Vector256.LoadUnsafe(ref z, (nuint)(units + j)), hardSigmoid);
                    Vector256<float> g = FastMath.Tanh(Vector256.LoadUnsafe(ref z, (nuint)((2 * units) + j)));
                    Vector256<float> o = Gate(Vector256.LoadUnsafe(ref z, (nuint)((3 * units) + j)), hardSigmoid);
                    Vector256<float> c = i * g;
                    if (hasPrevious)
                    {
                        c = Vector256.FusedMultiplyAdd(f, Vector256.LoadUnsafe(ref previousRef, (nuint)(h0 + j)), c);
                    }

                    Vector256<float> tc = FastMath.Tanh(c);
                    Vector256.StoreUnsafe(i, ref z, (nuint)j);
                    Vector256.StoreUnsafe(f, ref z, (nuint)(units + j));
                    Vector256.StoreUnsafe(g, ref z, (nuint)((2 * units) + j));
                    Vector256.StoreUnsafe(o, ref z, (nuint)((3 * units) + j));
                    Vector256.StoreUnsafe(c, ref cellRef, (nuint)(h0 + j));
                    Vector256.StoreUnsafe(tc, ref tanhRef, (nuint)(h0 + j));
                    Vector256.StoreUnsafe(o * tc, ref hiddenRef, (nuint)(h0 + j));
                }
            }

            for (; j < units; j++)
            {
                float i = Gate(Unsafe.Add(ref z, j), hardSigmoid);
                float f = Gate(Unsafe.Add(ref z, units + j), hardSigmoid);
                float g = FastMath.Tanh(Unsafe.Add(ref z, (2 * units) + j));
                float o = Gate(Unsafe.Add(ref z, (3 * units) + j), hardSigmoid);
                float c = i * g;
                if (hasPrevious)
                {
                    c = MathF.FusedMultiplyAdd(f, Unsafe.Add(ref previousRef, h0 + j), c);
                }

                float tc = FastMath.Tanh(c);
                Unsafe.Add(ref z, j) = i;
                Unsafe.Add(ref z, units + j) = f;
                Unsafe.Add(ref z, (2 * units) + j) = g;
                Unsafe.Add(ref z, (3 * units) + j) = o;
                Unsafe.Add(ref cellRef, h0 + j) = c;
                Unsafe.Add(ref tanhRef, h0 + j) = tc;
                Unsafe.Add(ref hiddenRef, h0 + j) = o * tc;
            }
        }
    }

    /// <summary>
    /// LSTM backward through one step. In: the activated gates, c_(t−1) (empty at t = 0), tanh(c_t), the total dL/dh_t and,
    /// in <paramref name="dCell"/>, dL/dc_t from step t+1 (zero at the last step). Out: dL/dz in <paramref name="dGates"/>
    /// and dL/dc_(t−1) = dc⊙f in <paramref name="dCell"/>, where dc = dL/dc_t + dh⊙o⊙(1 − tanh²(c_t)). One fused pass per row.
    /// </summary>
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrevious, ReadOnlySpan<float> cellTanh, ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, int units, bool hardSigmoid)
    {
        int rows = dHidden.Length / units;
        bool hasPrevious = !cellPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float previousRef = ref MemoryMarshal.GetReference(cellPrevious);
        ref float tanhRef = ref MemoryMarshal.GetReference(cellTanh);
        ref float dHiddenRef = ref MemoryMarshal.GetReference(dHidden);
        ref float dCellRef = ref MemoryMarshal.GetReference(dCell);
        ref float dGateRef = ref MemoryMarshal.GetReference(dGates);
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 4 * units;
            nint h0 = row * units;
            ref float z = ref Unsafe.Add(ref gateRef, g0);
            ref float dz = ref Unsafe.Add(ref dGateRef, g0);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= units - Vector256<float>.Count; j += Vector256<float>.Count)
                {
                    Vector256<float> i = Vector256.LoadUnsafe(ref z, (nuint)j);
                    Vector256<float> f = Vector256.LoadUnsafe(ref z, (nuint)(units + j));
                    Vector256<float> g = Vector256.LoadUnsafe(ref z, (nuint)((2 * units) + j));
                    Vector256<float> o = Vector256.LoadUnsafe(ref z, (nuint)((3 * units) + j));
                    Vector256<float> tc = Vector256.LoadUnsafe(ref tanhRef, (nuint)(h0 + j));
                    Vector256<float> dh = Vector256.LoadUnsafe(ref dHiddenRef, (nuint)(h0 + j));
                    Vector256<float> dc = Vector256.LoadUnsafe(ref dCellRef, (nuint)(h0 + j)) + (dh * o * (Vector256<float>.One - (tc * tc)));
                    Vector256<float> previous = hasPrevious ? Vector256.LoadUnsafe(ref previousRef, (nuint)(h0 + j)) : Vector256<float>.Zero;
                    Vector256.StoreUnsafe(dc * g * GateDerivative(i, hardSigmoid), ref dz, (nuint)j);
                    Vector256.StoreUnsafe(dc * previous * GateDerivative(f, hardSigmoid), ref dz, (nuint)(units + j));
                    Vector256.StoreUnsafe(dc * i * (Vector256<float>.One - (g * g)), ref dz, (nuint)((2 * units) + j));
                    Vector256.StoreUnsafe(dh * tc * GateDerivative(o, hardSigmoid), ref dz, (nuint)((3 * units) + j));
                    Vector256.StoreUnsafe(dc * f, ref dCellRef, (nuint)(h0 + j));
                }
            }

            for (; j < units; j++)
            {
                float i = Unsafe.Add(ref z, j), f = Unsafe.Add(ref z, units + j), g = Unsafe.Add(ref z, (2 * units) + j), o = Unsafe.Add(ref z, (3 * units) + j);
                float tc = Unsafe.Add(ref tanhRef, h0 + j);
                float dh = Unsafe.Add(ref dHiddenRef, h0 + j);
                float dc = Unsafe.Add(ref dCellRef, h0 + j) + (dh * o * (1 - (tc * tc)));
                float previous = hasPrevious ? Unsafe.Add(ref previousRef, h0 + j) : 0;
                Unsafe.Add(ref dz, j) = dc * g * RecurrentDerivative(i, hardSigmoid);
                Unsafe.Add(ref dz, units + j) = dc * previous * RecurrentDerivative(f, hardSigmoid);
                Unsafe.Add(ref dz, (2 * units) + j) = dc * i * (1 - (g * g));
                Unsafe.Add(ref dz, (3 * units) + j) = dh * tc * RecurrentDerivative(o, hardSigmoid);
                Unsafe.Add(ref dCellRef, h0 + j) = dc * f;
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
        bool hasPrevious = !hiddenPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float recurrentRef = ref MemoryMarshal.GetReference(recurrent);
        ref float previousRef = ref MemoryMarshal.GetReference(hiddenPrevious);
        ref float hiddenRef = ref MemoryMarshal.GetReference(hidden);
        for (int row = 0; row < rows; row++)
        {
            ref float x = ref Unsafe.Add(ref gateRef, row * 3 * units);
            ref float hz = ref Unsafe.Add(ref recurrentRef, row * 3 * units);
            nint h0 = row * units;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= units - Vector256<float>.Count; j += Vector256<float>.Count)
                {
                    Vector256<float> z = Gate(Vector256.LoadUnsafe(ref x, (nuint)j) + Vector256.LoadUnsafe(ref hz, (nuint)j), hardSigmoid);
                    Vector256<float> r = Gate(Vector256.LoadUnsafe(ref x, (nuint)(units + j)) + Vector256.LoadUnsafe(ref hz, (nuint)(units + j)), hardSigmoid);
                    Vector256<float> candidate = FastMath.Tanh(Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref hz, (nuint)((2 * units) + j)), Vector256.LoadUnsafe(ref x, (nuint)((2 * units) + j))));
                    Vector256<float> previous = hasPrevious ? Vector256.LoadUnsafe(ref previousRef, (nuint)(h0 + j)) : Vector256<float>.Zero;
                    Vector256.StoreUnsafe(z, ref x, (nuint)j);
                    Vector256.StoreUnsafe(r, ref x, (nuint)(units + j));
                    Vector256.StoreUnsafe(candidate, ref x, (nuint)((2 * units) + j));
                    Vector256.StoreUnsafe(candidate + (z * (previous - candidate)), ref hiddenRef, (nuint)(h0 + j));
                }
            }

            for (; j < units; j++)
            {
                float z = Gate(Unsafe.Add(ref x, j) + Unsafe.Add(ref hz, j), hardSigmoid);
                float r = Gate(Unsafe.Add(ref x, units + j) + Unsafe.Add(ref hz, units + j), hardSigmoid);
                float candidate = FastMath.Tanh(MathF.FusedMultiplyAdd(r, Unsafe.Add(ref hz, (2 * units) + j), Unsafe.Add(ref x, (2 * units) + j)));
                float previous = hasPrevious ? Unsafe.Add(ref previousRef, h0 + j) : 0;
                Unsafe.Add(ref x, j) = z;
                Unsafe.Add(ref x, units + j) = r;
                Unsafe.Add(ref x, (2 * units) + j) = candidate;
                Unsafe.Add(ref hiddenRef, h0 + j) = candidate + (z * (previous - candidate));
            }
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
        bool hasPrevious = !hiddenPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float recurrentRef = ref MemoryMarshal.GetReference(recurrent);
        ref float previousRef = ref MemoryMarshal.GetReference(hiddenPrevious);
        ref float dHiddenRef = ref MemoryMarshal.GetReference(dHidden);
        ref float dGateRef = ref MemoryMarshal.GetReference(dGates);
        ref float dRecurrentRef = ref MemoryMarshal.GetReference(dRecurrent);
        ref float dPreviousRef = ref MemoryMarshal.GetReference(dHiddenPrevious);
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 3 * units;
            nint h0 = row * units;
            ref float g = ref Unsafe.Add(ref gateRef, g0);
            ref float hz = ref Unsafe.Add(ref recurrentRef, g0);
            ref float dg = ref Unsafe.Add(ref dGateRef, g0);
            ref float dr = ref Unsafe.Add(ref dRecurrentRef, g0);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= units - Vector256<float>.Count; j += Vector256<float>.Count)
                {
                    Vector256<float> z = Vector256.LoadUnsafe(ref g, (nuint)j);
                    Vector256<float> r = Vector256.LoadUnsafe(ref g, (nuint)(units + j));
                    Vector256<float> candidate = Vector256.LoadUnsafe(ref g, (nuint)((2 * units) + j));
                    Vector256<float> dh = Vector256.LoadUnsafe(ref dHiddenRef, (nuint)(h0 + j));
                    Vector256<float> previous = hasPrevious ? Vector256.LoadUnsafe(ref previousRef, (nuint)(h0 + j)) : Vector256<float>.Zero;
                    Vector256<float> dz = dh * (previous - candidate) * GateDerivative(z, hardSigmoid);
                    Vector256<float> da = dh * (Vector256<float>.One - z) * (Vector256<float>.One - (candidate * candidate));
                    Vector256<float> dReset = da * Vector256.LoadUnsafe(ref hz, (nuint)((2 * units) + j)) * GateDerivative(r, hardSigmoid);
                    Vector256.StoreUnsafe(dz, ref dg, (nuint)j);
                    Vector256.StoreUnsafe(dReset, ref dg, (nuint)(units + j));
                    Vector256.StoreUnsafe(da, ref dg, (nuint)((2 * units) + j));
                    Vector256.StoreUnsafe(dz, ref dr, (nuint)j);
                    Vector256.StoreUnsafe(dReset, ref dr, (nuint)(units + j));
                    Vector256.StoreUnsafe(da * r, ref dr, (nuint)((2 * units) + j));
                    if (hasPrevious)
                    {
                        Vector256.StoreUnsafe(Vector256.FusedMultiplyAdd(dh, z, Vector256.LoadUnsafe(ref dPreviousRef, (nuint)(h0 + j))), ref dPreviousRef, (nuint)(h0 + j));
                    }
                }
            }

            for (; j < units; j++)
            {
                float z = Unsafe.Add(ref g, j), r = Unsafe.Add(ref g, units + j), candidate = Unsafe.Add(ref g, (2 * units) + j);
                float dh = Unsafe.Add(ref dHiddenRef, h0 + j);
                float previous = hasPrevious ? Unsafe.Add(ref previousRef, h0 + j) : 0;
                float dz = dh * (previous - candidate) * RecurrentDerivative(z, hardSigmoid);
                float da = dh * (1 - z) * (1 - (candidate * candidate));
                float dReset = da * Unsafe.Add(ref hz, (2 * units) + j) * RecurrentDerivative(r, hardSigmoid);
                Unsafe.Add(ref dg, j) = dz;
                Unsafe.Add(ref dg, units + j) = dReset;
                Unsafe.Add(ref dg, (2 * units) + j) = da;
                Unsafe.Add(ref dr, j) = dz;
                Unsafe.Add(ref dr, units + j) = dReset;
                Unsafe.Add(ref dr, (2 * units) + j) = da * r;
                if (hasPrevious)
                {
                    Unsafe.Add(ref dPreviousRef, h0 + j) = MathF.FusedMultiplyAdd(dh, z, Unsafe.Add(ref dPreviousRef, h0 + j));
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
            Activations.TanhInPlace(candidate);
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
            Activations.SigmoidInPlace(x);
        }
    }

    /// <summary>The derivative of the recurrent activation at the point whose activated value is <paramref name="y"/>.</summary>
    public static float RecurrentDerivative(float y, bool hardSigmoid) =>
        hardSigmoid ? (y > 0 && y < 1 ? 0.2f : 0f) : y * (1 - y);

    private static float Gate(float x, bool hardSigmoid) =>
        hardSigmoid ? Math.Clamp((0.2f * x) + 0.5f, 0f, 1f) : FastMath.Sigmoid(x);

    private static Vector256<float> Gate(Vector256<float> x, bool hardSigmoid) =>
        hardSigmoid
            ? Vector256.Min(Vector256.Max((Vector256.Create(0.2f) * x) + Vector256.Create(0.5f), Vector256<float>.Zero), Vector256<float>.One)
            : FastMath.Sigmoid(x);

    private static Vector256<float> GateDerivative(Vector256<float> y, bool hardSigmoid) =>
        hardSigmoid
            ? Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256<float>.One), Vector256.Create(0.2f), Vector256<float>.Zero)
            : y * (Vector256<float>.One - y);

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
