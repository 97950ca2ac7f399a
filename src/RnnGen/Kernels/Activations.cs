// Elementwise activations of the recurrent cells and their derivatives, expressed through the cell's output so that
// backward needs no stored pre-activations: tanh' = 1 − h², relu' = [h > 0].
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>Activation forward and backward passes used by the generated cells.</summary>
public static class Activations
{
    /// <summary><c>x = tanh(x)</c> in place (<see cref="FastMath.Tanh(float)"/> in every element).</summary>
    public static void TanhInPlace(Span<float> x) => InPlace<TanhFunction>(x);

    /// <summary><c>x = max(x, 0)</c> in place.</summary>
    public static void ReluInPlace(Span<float> x) => TensorPrimitives.Max(x, 0f, x);

    /// <summary><c>x = σ(x) = 1/(1 + e^(−x))</c> in place (<see cref="FastMath.Sigmoid(float)"/> in every element).</summary>
    public static void SigmoidInPlace(Span<float> x) => InPlace<SigmoidFunction>(x);

    /// <summary><c>dh = dh·(1 − h²)</c>: the gradient through <c>h = tanh(a)</c>, written over <paramref name="dh"/>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> h, Span<float> dh)
    {
        CheckLengths(h, dh);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        ref float dRef = ref MemoryMarshal.GetReference(dh);
        int length = h.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> hv = Vector512.LoadUnsafe(ref hRef, (nuint)i);
                Vector512<float> dv = Vector512.LoadUnsafe(ref dRef, (nuint)i);
                (dv * (Vector512<float>.One - (hv * hv))).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> hv = Vector256.LoadUnsafe(ref hRef, (nuint)i);
                Vector256<float> dv = Vector256.LoadUnsafe(ref dRef, (nuint)i);
                (dv * (Vector256<float>.One - (hv * hv))).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> hv = Vector128.LoadUnsafe(ref hRef, (nuint)i);
                Vector128<float> dv = Vector128.LoadUnsafe(ref dRef, (nuint)i);
                (dv * (Vector128<float>.One - (hv * hv))).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            float hv = Unsafe.Add(ref hRef, i);
            Unsafe.Add(ref dRef, i) *= 1 - (hv * hv);
        }
    }

    /// <summary><c>dh = h &gt; 0 ? dh : 0</c>: the gradient through <c>h = relu(a)</c> (0 at a = 0, as TensorFlow).</summary>
    public static void ReluBackward(ReadOnlySpan<float> h, Span<float> dh)
    {
        CheckLengths(h, dh);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        ref float dRef = ref MemoryMarshal.GetReference(dh);
        int length = h.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref hRef, (nuint)i), Vector512<float>.Zero);
                (Vector512.LoadUnsafe(ref dRef, (nuint)i) & mask).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref hRef, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref dRef, (nuint)i) & mask).StoreUnsafe(ref dRef, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> mask = Vector128.GreaterThan(Vector128.LoadUnsafe(ref hRef, (nuint)i), Vector128<float>.Zero);
                (Vector128.LoadUnsafe(ref dRef, (nuint)i) & mask).StoreUnsafe(ref dRef, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            if (!(Unsafe.Add(ref hRef, i) > 0))
            {
                Unsafe.Add(ref dRef, i) = 0;
            }
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> h, Span<float> dh)
    {
        if (h.Length != dh.Length)
        {
            throw new ArgumentException($"The output ({h.Length}) and its gradient ({dh.Length}) must have the same length.");
        }
    }

    // One pass for each FastMath function: whole vectors of the widest accelerated width, then of the narrower ones,
    // then its scalar form on the tail (which gives the same bits as a vector lane would).
    private static void InPlace<TFunction>(Span<float> x)
        where TFunction : IVectorFunction
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        int i = InPlace<TFunction, Lanes512>(ref xRef, 0, x.Length);
        i = InPlace<TFunction, Lanes256>(ref xRef, i, x.Length);
        i = InPlace<TFunction, Lanes128>(ref xRef, i, x.Length);
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref xRef, i) = TFunction.Invoke(Unsafe.Add(ref xRef, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int InPlace<TFunction, TLanes>(ref float xRef, int i, int length)
        where TFunction : IVectorFunction
        where TLanes : struct, ILanes<TLanes>
    {
        if (TLanes.IsAccelerated)
        {
            for (; i <= length - TLanes.Count; i += TLanes.Count)
            {
                TLanes.Store(TFunction.Invoke(TLanes.Load(ref xRef, i)), ref xRef, i);
            }
        }

        return i;
    }

    private interface IVectorFunction
    {
        static abstract float Invoke(float x);

        static abstract T Invoke<T>(T x)
            where T : struct, ILanes<T>;
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        public static float Invoke(float x) => FastMath.Tanh(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x)
            where T : struct, ILanes<T> => FastMath.Tanh(x);
    }

    private readonly struct SigmoidFunction : IVectorFunction
    {
        public static float Invoke(float x) => FastMath.Sigmoid(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x)
            where T : struct, ILanes<T> => FastMath.Sigmoid(x);
    }
}
