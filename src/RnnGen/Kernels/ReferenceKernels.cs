// Scalar reference of the generated matrix microkernels. It is the fallback on hardware without SIMD, and the
// tests hold every generated kernel to it: it uses the same fused multiply-adds in the same order, so the vector
// kernels must agree with it bit for bit.
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>Plain loops with the semantics of the generated <c>MatMul{N}</c> kernels.</summary>
public static class ReferenceKernels
{
    /// <summary>
    /// <c>c[i·cRowStride + n] = init[i·initRowStride + n] + Σ_s a[i·aRowStride + s·aStepStride] · b[s·bRowStride + n]</c>
    /// for <c>i &lt; rows</c>, <c>n &lt; columns</c>, summed over <c>s = 0 … steps−1</c> in order with fused multiply-adds.
    /// <c>init</c> may be <c>c</c> itself (accumulate), or one row reused by every row (stride 0: a bias or zeros).
    /// </summary>
    public static void MatMul(
        int columns, int rows, int steps,
        ref float a, nint aRowStride, nint aStepStride,
        ref float b, nint bRowStride,
        ref float init, nint initRowStride,
        ref float c, nint cRowStride)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int n = 0; n < columns; n++)
            {
                float sum = Unsafe.Add(ref init, (i * initRowStride) + n);
                for (int s = 0; s < steps; s++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, (i * aRowStride) + (s * aStepStride)), Unsafe.Add(ref b, (s * bRowStride) + n), sum);
                }

                Unsafe.Add(ref c, (i * cRowStride) + n) = sum;
            }
        }
    }
}
