// Fused optimizer passes. Each optimizer rule is an operator struct with one Invoke per vector width; Run walks
// the flat parameter, gradient and slot buffers once, with the widest accelerated vector, then a scalar tail.
// Because gradients and optimizer slots share the parameter layout, one pass updates the whole model.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>An elementwise update of a parameter from its gradient and up to two state slots.</summary>
public interface IParameterUpdateOp
{
    /// <summary>Updates one element.</summary>
    void Invoke(ref float parameter, float gradient, ref float slot1, ref float slot2);

    /// <summary>Updates 16 elements.</summary>
    void Invoke(ref Vector512<float> parameter, Vector512<float> gradient, ref Vector512<float> slot1, ref Vector512<float> slot2);

    /// <summary>Updates 8 elements.</summary>
    void Invoke(ref Vector256<float> parameter, Vector256<float> gradient, ref Vector256<float> slot1, ref Vector256<float> slot2);

    /// <summary>Updates 4 elements.</summary>
    void Invoke(ref Vector128<float> parameter, Vector128<float> gradient, ref Vector128<float> slot1, ref Vector128<float> slot2);
}

/// <summary>The loop body shared by all optimizers.</summary>
public static class ParameterUpdate
{
    /// <summary>
    /// Applies <paramref name="op"/> to every element. <paramref name="slot1"/> and <paramref name="slot2"/> must be as
    /// long as <paramref name="parameters"/> (an optimizer without state passes its parameters' length of scratch).
    /// </summary>
    public static void Run<TOp>(TOp op, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> slot1, Span<float> slot2)
        where TOp : struct, IParameterUpdateOp
    {
        int length = parameters.Length;
        if (gradients.Length != length || slot1.Length != length || slot2.Length != length)
        {
            throw new ArgumentException(
                $"The gradient ({gradients.Length}) and state ({slot1.Length}, {slot2.Length}) buffers must match the {length} parameters.");
        }

        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float s1 = ref MemoryMarshal.GetReference(slot1);
        ref float s2 = ref MemoryMarshal.GetReference(slot2);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                op.Invoke(
                    ref As512(ref Unsafe.Add(ref p, i)),
                    Vector512.LoadUnsafe(ref g, (nuint)i),
                    ref As512(ref Unsafe.Add(ref s1, i)),
                    ref As512(ref Unsafe.Add(ref s2, i)));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                op.Invoke(
                    ref As256(ref Unsafe.Add(ref p, i)),
                    Vector256.LoadUnsafe(ref g, (nuint)i),
                    ref As256(ref Unsafe.Add(ref s1, i)),
                    ref As256(ref Unsafe.Add(ref s2, i)));
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                op.Invoke(
                    ref As128(ref Unsafe.Add(ref p, i)),
                    Vector128.LoadUnsafe(ref g, (nuint)i),
                    ref As128(ref Unsafe.Add(ref s1, i)),
                    ref As128(ref Unsafe.Add(ref s2, i)));
            }
        }

        for (; i < length; i++)
        {
            op.Invoke(ref Unsafe.Add(ref p, i), Unsafe.Add(ref g, i), ref Unsafe.Add(ref s1, i), ref Unsafe.Add(ref s2, i));
        }
    }

    // Float buffers reinterpreted as (unaligned) vectors: the JIT emits unaligned loads and stores for these.
    private static ref Vector512<float> As512(ref float value) => ref Unsafe.As<float, Vector512<float>>(ref value);

    private static ref Vector256<float> As256(ref float value) => ref Unsafe.As<float, Vector256<float>>(ref value);

    private static ref Vector128<float> As128(ref float value) => ref Unsafe.As<float, Vector128<float>>(ref value);
}
