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

    // One pass for each FastMath function: whole vectors of the widest accelerated width, then its scalar form on the
    // tail (which gives the same bits as a vector lane would).
    private static void InPlace<TFunction>(Span<float> x)
        where TFunction : IVectorFunction
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TFunction.Invoke(Vector256.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref xRef, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TFunction.Invoke(Vector128.LoadUnsafe(ref xRef, (nuint)i)).StoreUnsafe(ref xRef, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref xRef, i) = TFunction.Invoke(Unsafe.Add(ref xRef, i));
        }
    }

    private interface IVectorFunction
    {
        static abstract float Invoke(float x);

        static abstract Vector256<float> Invoke(Vector256<float> x);

        static abstract Vector128<float> Invoke(Vector128<float> x);
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        public static float Invoke(float x) => FastMath.Tanh(x);

        public static Vector256<float> Invoke(Vector256<float> x) => FastMath.Tanh(x);

        public static Vector128<float> Invoke(Vector128<float> x) => FastMath.Tanh(x);
    }

    private readonly struct SigmoidFunction : IVectorFunction
    {
        public static float Invoke(float x) => FastMath.Sigmoid(x);

        public static Vector256<float> Invoke(Vector256<float> x) => FastMath.Sigmoid(x);

        public static Vector128<float> Invoke(Vector128<float> x) => FastMath.Sigmoid(x);
    }
}
