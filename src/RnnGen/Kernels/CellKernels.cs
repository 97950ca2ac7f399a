// The elementwise part of the LSTM and GRU cells, one time step over a block of rows. The matrix products (x·W, h·U and
// their gradients) are generated; these kernels apply the gate nonlinearities and the state updates between them.
// The LSTM and GRU (reset_after, the default) steps are one fused pass per row, forward and backward, written once over
// ILanes (Lanes.cs) and run at the widest width the machine has, then narrower ones, then a scalar tail; the
// reset_after = false steps use span passes for the transcendentals and short loops for the state updates.
// σ and tanh come from FastMath (float exp, within 3 ulp; TensorPrimitives' float exp widens to double and was slower).
// Gate layouts follow Keras: LSTM rows are [i | f | c | o], GRU rows are [z | r | h], each block `units` wide.
// Derivatives are taken from the activated values: σ' = y(1 − y), tanh' = 1 − y², hard_sigmoid' = 0.2 on (0, 1).
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>One time step of the LSTM and GRU gate math, forward and backward.</summary>
public static class CellKernels
{
    /// <summary>
    /// LSTM forward: <paramref name="gates"/> holds z = x·W + h·U + b and becomes [i, f, g, o] = [σ, σ, tanh, σ](z);
    /// then c_t = f⊙c_(t−1) + i⊙g and h_t = o⊙tanh(c_t). An empty <paramref name="cellPrevious"/> means c_(−1) = 0; an
    /// empty <paramref name="cellTanh"/> skips storing tanh(c_t), which only backward reads (prediction passes none).
    /// One fused pass per row: the widest accelerated vectors over the units, then narrower ones, then a scalar tail.
    /// </summary>
    public static void LstmForward(Span<float> gates, ReadOnlySpan<float> cellPrevious, Span<float> cell, Span<float> cellTanh, Span<float> hidden, int units, bool hardSigmoid)
    {
        int rows = hidden.Length / units;
        bool hasPrevious = !cellPrevious.IsEmpty, storesTanh = !cellTanh.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float previousRef = ref MemoryMarshal.GetReference(cellPrevious);
        ref float cellRef = ref MemoryMarshal.GetReference(cell);
        ref float tanhRef = ref MemoryMarshal.GetReference(cellTanh);
        ref float hiddenRef = ref MemoryMarshal.GetReference(hidden);
        int vectorEnd = LstmForwardRows<Lanes512>(ref gateRef, ref previousRef, hasPrevious, ref cellRef, ref tanhRef, storesTanh, ref hiddenRef, rows, 0, units, hardSigmoid);
        vectorEnd = LstmForwardRows<Lanes256>(ref gateRef, ref previousRef, hasPrevious, ref cellRef, ref tanhRef, storesTanh, ref hiddenRef, rows, vectorEnd, units, hardSigmoid);
        vectorEnd = LstmForwardRows<Lanes128>(ref gateRef, ref previousRef, hasPrevious, ref cellRef, ref tanhRef, storesTanh, ref hiddenRef, rows, vectorEnd, units, hardSigmoid);
        for (int row = 0; row < rows; row++)
        {
            ref float z = ref Unsafe.Add(ref gateRef, row * 4 * units);
            nint h0 = row * units;
            for (int j = vectorEnd; j < units; j++)
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
                if (storesTanh)
                {
                    Unsafe.Add(ref tanhRef, h0 + j) = tc;
                }

                Unsafe.Add(ref hiddenRef, h0 + j) = o * tc;
            }
        }
    }

    /// <summary>
    /// The vector part of <see cref="LstmForward"/> at one width for every row: columns from <paramref name="first"/> in
    /// steps of the width; returns where it stopped (the same column in every row). Each width is its own method, never
    /// inlined into the kernel: with all three widths inlined into one body the JIT ran out of inlining budget, left
    /// Lanes256 operators as calls and, in some processes, ran the final tier of the 64 × 32 LSTM step at 16-23 µs instead
    /// of 2.4-3 µs (Zen 5, Vector512). The per-element operations, and so the bits, are those of the inlined form.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LstmForwardRows<T>(
        ref float gateRef, ref float previousRef, bool hasPrevious, ref float cellRef, ref float tanhRef, bool storesTanh, ref float hiddenRef, int rows, int first, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        int end = first;
        for (int row = 0; row < rows; row++)
        {
            end = LstmForwardColumns<T>(ref Unsafe.Add(ref gateRef, row * 4 * units), ref previousRef, hasPrevious, ref cellRef, ref tanhRef, storesTanh, ref hiddenRef, row * units, first, units, hardSigmoid);
        }

        return end;
    }

    /// <summary>The vector part of <see cref="LstmForward"/> for one row: columns from <paramref name="j"/> in steps of the width; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LstmForwardColumns<T>(
        ref float z, ref float previousRef, bool hasPrevious, ref float cellRef, ref float tanhRef, bool storesTanh, ref float hiddenRef, nint h0, int j, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return j;
        }

        for (; j <= units - T.Count; j += T.Count)
        {
            T i = Gate(T.Load(ref z, j), hardSigmoid);
            T f = Gate(T.Load(ref z, units + j), hardSigmoid);
            T g = FastMath.Tanh(T.Load(ref z, (2 * units) + j));
            T o = Gate(T.Load(ref z, (3 * units) + j), hardSigmoid);
            T c = i * g;
            if (hasPrevious)
            {
                c = T.FusedMultiplyAdd(f, T.Load(ref previousRef, h0 + j), c);
            }

            T tc = FastMath.Tanh(c);
            T.Store(i, ref z, j);
            T.Store(f, ref z, units + j);
            T.Store(g, ref z, (2 * units) + j);
            T.Store(o, ref z, (3 * units) + j);
            T.Store(c, ref cellRef, h0 + j);
            if (storesTanh)
            {
                T.Store(tc, ref tanhRef, h0 + j);
            }

            T.Store(o * tc, ref hiddenRef, h0 + j);
        }

        return j;
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
        int vectorEnd = LstmBackwardRows<Lanes512>(ref gateRef, ref previousRef, hasPrevious, ref tanhRef, ref dHiddenRef, ref dCellRef, ref dGateRef, rows, 0, units, hardSigmoid);
        vectorEnd = LstmBackwardRows<Lanes256>(ref gateRef, ref previousRef, hasPrevious, ref tanhRef, ref dHiddenRef, ref dCellRef, ref dGateRef, rows, vectorEnd, units, hardSigmoid);
        vectorEnd = LstmBackwardRows<Lanes128>(ref gateRef, ref previousRef, hasPrevious, ref tanhRef, ref dHiddenRef, ref dCellRef, ref dGateRef, rows, vectorEnd, units, hardSigmoid);
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 4 * units;
            nint h0 = row * units;
            ref float z = ref Unsafe.Add(ref gateRef, g0);
            ref float dz = ref Unsafe.Add(ref dGateRef, g0);
            for (int j = vectorEnd; j < units; j++)
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

    /// <summary>The vector part of <see cref="LstmBackward"/> at one width for every row, as <see cref="LstmForwardRows"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LstmBackwardRows<T>(
        ref float gateRef, ref float previousRef, bool hasPrevious, ref float tanhRef, ref float dHiddenRef, ref float dCellRef, ref float dGateRef, int rows, int first, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        int end = first;
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 4 * units;
            end = LstmBackwardColumns<T>(ref Unsafe.Add(ref gateRef, g0), ref previousRef, hasPrevious, ref tanhRef, ref dHiddenRef, ref dCellRef, ref Unsafe.Add(ref dGateRef, g0), row * units, first, units, hardSigmoid);
        }

        return end;
    }

    /// <summary>The vector part of <see cref="LstmBackward"/> for one row, as <see cref="LstmForwardColumns"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LstmBackwardColumns<T>(
        ref float z, ref float previousRef, bool hasPrevious, ref float tanhRef, ref float dHiddenRef, ref float dCellRef, ref float dz, nint h0, int j, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return j;
        }

        for (; j <= units - T.Count; j += T.Count)
        {
            T i = T.Load(ref z, j);
            T f = T.Load(ref z, units + j);
            T g = T.Load(ref z, (2 * units) + j);
            T o = T.Load(ref z, (3 * units) + j);
            T tc = T.Load(ref tanhRef, h0 + j);
            T dh = T.Load(ref dHiddenRef, h0 + j);
            T dc = T.Load(ref dCellRef, h0 + j) + (dh * o * (T.One - (tc * tc)));
            T previous = hasPrevious ? T.Load(ref previousRef, h0 + j) : T.Zero;
            T.Store(dc * g * GateDerivative(i, hardSigmoid), ref dz, j);
            T.Store(dc * previous * GateDerivative(f, hardSigmoid), ref dz, units + j);
            T.Store(dc * i * (T.One - (g * g)), ref dz, (2 * units) + j);
            T.Store(dh * tc * GateDerivative(o, hardSigmoid), ref dz, (3 * units) + j);
            T.Store(dc * f, ref dCellRef, h0 + j);
        }

        return j;
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
        int vectorEnd = GruResetAfterForwardRows<Lanes512>(ref gateRef, ref recurrentRef, ref previousRef, hasPrevious, ref hiddenRef, rows, 0, units, hardSigmoid);
        vectorEnd = GruResetAfterForwardRows<Lanes256>(ref gateRef, ref recurrentRef, ref previousRef, hasPrevious, ref hiddenRef, rows, vectorEnd, units, hardSigmoid);
        vectorEnd = GruResetAfterForwardRows<Lanes128>(ref gateRef, ref recurrentRef, ref previousRef, hasPrevious, ref hiddenRef, rows, vectorEnd, units, hardSigmoid);
        for (int row = 0; row < rows; row++)
        {
            ref float x = ref Unsafe.Add(ref gateRef, row * 3 * units);
            ref float hz = ref Unsafe.Add(ref recurrentRef, row * 3 * units);
            nint h0 = row * units;
            for (int j = vectorEnd; j < units; j++)
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

    /// <summary>The vector part of <see cref="GruResetAfterForward"/> at one width for every row, as <see cref="LstmForwardRows"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int GruResetAfterForwardRows<T>(
        ref float gateRef, ref float recurrentRef, ref float previousRef, bool hasPrevious, ref float hiddenRef, int rows, int first, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        int end = first;
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 3 * units;
            end = GruResetAfterForwardColumns<T>(ref Unsafe.Add(ref gateRef, g0), ref Unsafe.Add(ref recurrentRef, g0), ref previousRef, hasPrevious, ref hiddenRef, row * units, first, units, hardSigmoid);
        }

        return end;
    }

    /// <summary>The vector part of <see cref="GruResetAfterForward"/> for one row, as <see cref="LstmForwardColumns"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GruResetAfterForwardColumns<T>(
        ref float x, ref float hz, ref float previousRef, bool hasPrevious, ref float hiddenRef, nint h0, int j, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return j;
        }

        for (; j <= units - T.Count; j += T.Count)
        {
            T z = Gate(T.Load(ref x, j) + T.Load(ref hz, j), hardSigmoid);
            T r = Gate(T.Load(ref x, units + j) + T.Load(ref hz, units + j), hardSigmoid);
            T candidate = FastMath.Tanh(T.FusedMultiplyAdd(r, T.Load(ref hz, (2 * units) + j), T.Load(ref x, (2 * units) + j)));
            T previous = hasPrevious ? T.Load(ref previousRef, h0 + j) : T.Zero;
            T.Store(z, ref x, j);
            T.Store(r, ref x, units + j);
            T.Store(candidate, ref x, (2 * units) + j);
            T.Store(candidate + (z * (previous - candidate)), ref hiddenRef, h0 + j);
        }

        return j;
    }

    /// <summary>
    /// GRU backward with reset_after through one step. With dh the total dL/dh_t: dz = dh⊙(h_(t−1) − ĥ)⊙z', da = dh⊙(1 − z)⊙(1 − ĥ²),
    /// dr = da⊙h_h⊙r'. Writes [dz, dr, da] (the input side) to <paramref name="dGates"/>, [dz, dr, da⊙r] (the recurrent side)
    /// to <paramref name="dRecurrent"/>, and adds dh⊙z to <paramref name="dHiddenPrevious"/> (empty at t = 0), or with
    /// <paramref name="overwritePrevious"/> writes it there as 0 + dh⊙z (the bits of adding it to a cleared row; what was
    /// there is not read), for a top layer whose dL/dh_(t−1) has no other part yet.
    /// </summary>
    public static void GruResetAfterBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dRecurrent, Span<float> dHiddenPrevious, int units, bool hardSigmoid, bool overwritePrevious = false)
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
        int vectorEnd = GruResetAfterBackwardRows<Lanes512>(ref gateRef, ref recurrentRef, ref previousRef, hasPrevious, ref dHiddenRef, ref dGateRef, ref dRecurrentRef, ref dPreviousRef, overwritePrevious, rows, 0, units, hardSigmoid);
        vectorEnd = GruResetAfterBackwardRows<Lanes256>(ref gateRef, ref recurrentRef, ref previousRef, hasPrevious, ref dHiddenRef, ref dGateRef, ref dRecurrentRef, ref dPreviousRef, overwritePrevious, rows, vectorEnd, units, hardSigmoid);
        vectorEnd = GruResetAfterBackwardRows<Lanes128>(ref gateRef, ref recurrentRef, ref previousRef, hasPrevious, ref dHiddenRef, ref dGateRef, ref dRecurrentRef, ref dPreviousRef, overwritePrevious, rows, vectorEnd, units, hardSigmoid);
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 3 * units;
            nint h0 = row * units;
            ref float g = ref Unsafe.Add(ref gateRef, g0);
            ref float hz = ref Unsafe.Add(ref recurrentRef, g0);
            ref float dg = ref Unsafe.Add(ref dGateRef, g0);
            ref float dr = ref Unsafe.Add(ref dRecurrentRef, g0);
            for (int j = vectorEnd; j < units; j++)
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
                    Unsafe.Add(ref dPreviousRef, h0 + j) = MathF.FusedMultiplyAdd(dh, z, overwritePrevious ? 0f : Unsafe.Add(ref dPreviousRef, h0 + j));
                }
            }
        }
    }

    /// <summary>The vector part of <see cref="GruResetAfterBackward"/> at one width for every row, as <see cref="LstmForwardRows"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int GruResetAfterBackwardRows<T>(
        ref float gateRef, ref float recurrentRef, ref float previousRef, bool hasPrevious, ref float dHiddenRef, ref float dGateRef, ref float dRecurrentRef, ref float dPreviousRef,
        bool overwritePrevious, int rows, int first, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        int end = first;
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 3 * units;
            end = GruResetAfterBackwardColumns<T>(
                ref Unsafe.Add(ref gateRef, g0), ref Unsafe.Add(ref recurrentRef, g0), ref previousRef, hasPrevious, ref dHiddenRef, ref Unsafe.Add(ref dGateRef, g0), ref Unsafe.Add(ref dRecurrentRef, g0), ref dPreviousRef,
                overwritePrevious, row * units, first, units, hardSigmoid);
        }

        return end;
    }

    /// <summary>The vector part of <see cref="GruResetAfterBackward"/> for one row, as <see cref="LstmForwardColumns"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GruResetAfterBackwardColumns<T>(
        ref float g, ref float hz, ref float previousRef, bool hasPrevious, ref float dHiddenRef, ref float dg, ref float dr, ref float dPreviousRef,
        bool overwritePrevious, nint h0, int j, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return j;
        }

        for (; j <= units - T.Count; j += T.Count)
        {
            T z = T.Load(ref g, j);
            T r = T.Load(ref g, units + j);
            T candidate = T.Load(ref g, (2 * units) + j);
            T dh = T.Load(ref dHiddenRef, h0 + j);
            T previous = hasPrevious ? T.Load(ref previousRef, h0 + j) : T.Zero;
            T dz = dh * (previous - candidate) * GateDerivative(z, hardSigmoid);
            T da = dh * (T.One - z) * (T.One - (candidate * candidate));
            T dReset = da * T.Load(ref hz, (2 * units) + j) * GateDerivative(r, hardSigmoid);
            T.Store(dz, ref dg, j);
            T.Store(dReset, ref dg, units + j);
            T.Store(da, ref dg, (2 * units) + j);
            T.Store(dz, ref dr, j);
            T.Store(dReset, ref dr, units + j);
            T.Store(da * r, ref dr, (2 * units) + j);
            if (hasPrevious)
            {
                T.Store(T.FusedMultiplyAdd(dh, z, overwritePrevious ? T.Zero : T.Load(ref dPreviousRef, h0 + j)), ref dPreviousRef, h0 + j);
            }
        }

        return j;
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
    /// h_t = z⊙h_(t−1) + (1 − z)⊙ĥ, computed as ĥ + z⊙(h_(t−1) − ĥ) (an empty h_(t−1) is zero). One fused pass per row.
    /// </summary>
    public static void GruResetBeforeOutput(Span<float> gates, ReadOnlySpan<float> hiddenPrevious, Span<float> hidden, int units)
    {
        int rows = hidden.Length / units;
        bool hasPrevious = !hiddenPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float previousRef = ref MemoryMarshal.GetReference(hiddenPrevious);
        ref float hiddenRef = ref MemoryMarshal.GetReference(hidden);
        int vectorEnd = GruResetBeforeOutputRows<Lanes512>(ref gateRef, ref previousRef, hasPrevious, ref hiddenRef, rows, 0, units);
        vectorEnd = GruResetBeforeOutputRows<Lanes256>(ref gateRef, ref previousRef, hasPrevious, ref hiddenRef, rows, vectorEnd, units);
        vectorEnd = GruResetBeforeOutputRows<Lanes128>(ref gateRef, ref previousRef, hasPrevious, ref hiddenRef, rows, vectorEnd, units);
        for (int row = 0; row < rows; row++)
        {
            ref float x = ref Unsafe.Add(ref gateRef, row * 3 * units);
            nint h0 = row * units;
            for (int j = vectorEnd; j < units; j++)
            {
                float candidate = FastMath.Tanh(Unsafe.Add(ref x, (2 * units) + j));
                float previous = hasPrevious ? Unsafe.Add(ref previousRef, h0 + j) : 0;
                Unsafe.Add(ref x, (2 * units) + j) = candidate;
                Unsafe.Add(ref hiddenRef, h0 + j) = candidate + (Unsafe.Add(ref x, j) * (previous - candidate));
            }
        }
    }

    /// <summary>The vector part of <see cref="GruResetBeforeOutput"/> at one width for every row, as <see cref="LstmForwardRows"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int GruResetBeforeOutputRows<T>(ref float gateRef, ref float previousRef, bool hasPrevious, ref float hiddenRef, int rows, int first, int units)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return first;
        }

        int end = first;
        for (int row = 0; row < rows; row++)
        {
            ref float x = ref Unsafe.Add(ref gateRef, row * 3 * units);
            nint h0 = row * units;
            int j = first;
            for (; j <= units - T.Count; j += T.Count)
            {
                T candidate = FastMath.Tanh(T.Load(ref x, (2 * units) + j));
                T previous = hasPrevious ? T.Load(ref previousRef, h0 + j) : T.Zero;
                T.Store(candidate, ref x, (2 * units) + j);
                T.Store(candidate + (T.Load(ref x, j) * (previous - candidate)), ref hiddenRef, h0 + j);
            }

            end = j;
        }

        return end;
    }

    /// <summary>
    /// GRU backward with reset_after = false, first half: dz = dh⊙(h_(t−1) − ĥ)⊙z' and da = dh⊙(1 − z)⊙(1 − ĥ²) into columns
    /// z and h of <paramref name="dGates"/>, and dh⊙z added to <paramref name="dHiddenPrevious"/> (both empty at t = 0, where
    /// h_(t−1) = 0). With <paramref name="overwritePrevious"/> dL/dh_(t−1) is written as 0 + dh⊙z, without reading what
    /// the buffer held: the bits of adding to a cleared row, for a top layer whose earlier steps nothing else wrote
    /// (the generator's <c>CellEmitter.WritesStateGradientFresh</c>). One fused pass per row.
    /// </summary>
    public static void GruResetBeforeBackwardOutput(ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dHiddenPrevious, int units, bool hardSigmoid, bool overwritePrevious = false)
    {
        int rows = dHidden.Length / units;
        bool hasPrevious = !hiddenPrevious.IsEmpty, addsPrevious = !dHiddenPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float previousRef = ref MemoryMarshal.GetReference(hiddenPrevious);
        ref float dHiddenRef = ref MemoryMarshal.GetReference(dHidden);
        ref float dGateRef = ref MemoryMarshal.GetReference(dGates);
        ref float dPreviousRef = ref MemoryMarshal.GetReference(dHiddenPrevious);
        int vectorEnd = GruResetBeforeBackwardOutputRows<Lanes512>(ref gateRef, ref previousRef, hasPrevious, ref dHiddenRef, ref dGateRef, ref dPreviousRef, addsPrevious, overwritePrevious, rows, 0, units, hardSigmoid);
        vectorEnd = GruResetBeforeBackwardOutputRows<Lanes256>(ref gateRef, ref previousRef, hasPrevious, ref dHiddenRef, ref dGateRef, ref dPreviousRef, addsPrevious, overwritePrevious, rows, vectorEnd, units, hardSigmoid);
        vectorEnd = GruResetBeforeBackwardOutputRows<Lanes128>(ref gateRef, ref previousRef, hasPrevious, ref dHiddenRef, ref dGateRef, ref dPreviousRef, addsPrevious, overwritePrevious, rows, vectorEnd, units, hardSigmoid);
        for (int row = 0; row < rows; row++)
        {
            nint g0 = row * 3 * units;
            nint h0 = row * units;
            for (int j = vectorEnd; j < units; j++)
            {
                float z = Unsafe.Add(ref gateRef, g0 + j), candidate = Unsafe.Add(ref gateRef, g0 + (2 * units) + j);
                float dh = Unsafe.Add(ref dHiddenRef, h0 + j);
                float previous = hasPrevious ? Unsafe.Add(ref previousRef, h0 + j) : 0;
                Unsafe.Add(ref dGateRef, g0 + j) = dh * (previous - candidate) * RecurrentDerivative(z, hardSigmoid);
                Unsafe.Add(ref dGateRef, g0 + (2 * units) + j) = dh * (1 - z) * (1 - (candidate * candidate));
                if (addsPrevious)
                {
                    Unsafe.Add(ref dPreviousRef, h0 + j) = (overwritePrevious ? 0f : Unsafe.Add(ref dPreviousRef, h0 + j)) + (dh * z);
                }
            }
        }
    }

    /// <summary>The vector part of <see cref="GruResetBeforeBackwardOutput"/> at one width for every row, as <see cref="LstmForwardRows"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int GruResetBeforeBackwardOutputRows<T>(
        ref float gateRef, ref float previousRef, bool hasPrevious, ref float dHiddenRef, ref float dGateRef, ref float dPreviousRef, bool addsPrevious, bool overwritePrevious, int rows, int first, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return first;
        }

        int end = first;
        for (int row = 0; row < rows; row++)
        {
            ref float g = ref Unsafe.Add(ref gateRef, row * 3 * units);
            ref float dg = ref Unsafe.Add(ref dGateRef, row * 3 * units);
            nint h0 = row * units;
            int j = first;
            for (; j <= units - T.Count; j += T.Count)
            {
                T z = T.Load(ref g, j);
                T candidate = T.Load(ref g, (2 * units) + j);
                T dh = T.Load(ref dHiddenRef, h0 + j);
                T previous = hasPrevious ? T.Load(ref previousRef, h0 + j) : T.Zero;
                T.Store(dh * (previous - candidate) * GateDerivative(z, hardSigmoid), ref dg, j);
                T.Store(dh * (T.One - z) * (T.One - (candidate * candidate)), ref dg, (2 * units) + j);
                if (addsPrevious)
                {
                    T.Store((overwritePrevious ? T.Zero : T.Load(ref dPreviousRef, h0 + j)) + (dh * z), ref dPreviousRef, h0 + j);
                }
            }

            end = j;
        }

        return end;
    }

    /// <summary>
    /// GRU backward with reset_after = false, second half: from d(r⊙h) = da·U_hᵀ, dr = d(r⊙h)⊙h_(t−1)⊙r' into column r of
    /// <paramref name="dGates"/>, and d(r⊙h)⊙r added to <paramref name="dHiddenPrevious"/>. Both vanish at t = 0 (an empty
    /// <paramref name="hiddenPrevious"/>): dr is 0 and nothing is added. One fused pass per row.
    /// </summary>
    public static void GruResetBeforeBackwardReset(ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenPrevious, ReadOnlySpan<float> dResetHidden, Span<float> dGates, Span<float> dHiddenPrevious, int units, bool hardSigmoid)
    {
        int rows = dResetHidden.Length / units;
        bool hasPrevious = !hiddenPrevious.IsEmpty;
        ref float gateRef = ref MemoryMarshal.GetReference(gates);
        ref float previousRef = ref MemoryMarshal.GetReference(hiddenPrevious);
        ref float dResetRef = ref MemoryMarshal.GetReference(dResetHidden);
        ref float dGateRef = ref MemoryMarshal.GetReference(dGates);
        ref float dPreviousRef = ref MemoryMarshal.GetReference(dHiddenPrevious);
        int vectorEnd = GruResetBeforeBackwardResetRows<Lanes512>(ref gateRef, ref previousRef, hasPrevious, ref dResetRef, ref dGateRef, ref dPreviousRef, rows, 0, units, hardSigmoid);
        vectorEnd = GruResetBeforeBackwardResetRows<Lanes256>(ref gateRef, ref previousRef, hasPrevious, ref dResetRef, ref dGateRef, ref dPreviousRef, rows, vectorEnd, units, hardSigmoid);
        vectorEnd = GruResetBeforeBackwardResetRows<Lanes128>(ref gateRef, ref previousRef, hasPrevious, ref dResetRef, ref dGateRef, ref dPreviousRef, rows, vectorEnd, units, hardSigmoid);
        for (int row = 0; row < rows; row++)
        {
            nint r0 = (row * 3 * units) + units;
            nint h0 = row * units;
            for (int j = vectorEnd; j < units; j++)
            {
                if (!hasPrevious)
                {
                    Unsafe.Add(ref dGateRef, r0 + j) = 0;
                    continue;
                }

                float r = Unsafe.Add(ref gateRef, r0 + j);
                float dResetHiddenValue = Unsafe.Add(ref dResetRef, h0 + j);
                Unsafe.Add(ref dGateRef, r0 + j) = dResetHiddenValue * Unsafe.Add(ref previousRef, h0 + j) * RecurrentDerivative(r, hardSigmoid);
                Unsafe.Add(ref dPreviousRef, h0 + j) += dResetHiddenValue * r;
            }
        }
    }

    /// <summary>The vector part of <see cref="GruResetBeforeBackwardReset"/> at one width for every row, as <see cref="LstmForwardRows"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int GruResetBeforeBackwardResetRows<T>(
        ref float gateRef, ref float previousRef, bool hasPrevious, ref float dResetRef, ref float dGateRef, ref float dPreviousRef, int rows, int first, int units, bool hardSigmoid)
        where T : struct, ILanes<T>
    {
        if (!T.IsAccelerated)
        {
            return first;
        }

        int end = first;
        for (int row = 0; row < rows; row++)
        {
            nint r0 = (row * 3 * units) + units;
            nint h0 = row * units;
            int j = first;
            for (; j <= units - T.Count; j += T.Count)
            {
                if (!hasPrevious)
                {
                    T.Store(T.Zero, ref dGateRef, r0 + j);
                    continue;
                }

                T r = T.Load(ref gateRef, r0 + j);
                T dResetHiddenValue = T.Load(ref dResetRef, h0 + j);
                T.Store(dResetHiddenValue * T.Load(ref previousRef, h0 + j) * GateDerivative(r, hardSigmoid), ref dGateRef, r0 + j);
                T.Store(T.Load(ref dPreviousRef, h0 + j) + (dResetHiddenValue * r), ref dPreviousRef, h0 + j);
            }

            end = j;
        }

        return end;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Gate<T>(T x, bool hardSigmoid)
        where T : struct, ILanes<T> =>
        hardSigmoid ? T.Min(T.Max((T.Create(0.2f) * x) + T.Create(0.5f), T.Zero), T.One) : FastMath.Sigmoid(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T GateDerivative<T>(T y, bool hardSigmoid)
        where T : struct, ILanes<T> =>
        hardSigmoid ? T.InsideUnitInterval(y, T.Create(0.2f)) : y * (T.One - y);
}
