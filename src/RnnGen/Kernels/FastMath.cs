// Single-precision exp, tanh and sigmoid for the cell nonlinearities, in float arithmetic throughout.
//
// Why not TensorPrimitives / Vector256.Exp: .NET evaluates float exp by widening to double, which made the gate
// nonlinearities a fifth of an LSTM training step. These stay in float and are accurate to a few ulp (exp 1,
// sigmoid 2.4, tanh 5.4 near ±1; FastMathKernelTests measures the error against double-precision Math.Exp/Tanh over
// the whole float range the cells see).
//
// exp(x): clamp x to [−87, 88] (e^x stays a normal float), k = round(x·log2 e), r = x − k·ln 2 in two parts
// (Cody–Waite: k·Ln2Hi is exact), e^r = 1 + r + r²·q(r) with q a degree-4 polynomial fitted on |r| ≤ ln2/2
// (relative error 4e-9 in exact arithmetic), and 2^k built directly in the exponent bits.
// tanh(x): a rational function x·P(x²)/Q(x²) on |x| ≤ 9, no exp and no branch (about a third of the work of
// 1 − 2/(e^(2x) + 1) with an exact small-x branch, which it replaced). sigmoid(x) = 1/(1 + e^(−x)).
//
// Every vector width and the scalar form run the same operations in the same order, and every multiply-add is a true
// fused multiply-add (one rounding), so a value depends neither on whether it landed in a vector lane or in the scalar
// tail, nor on the machine: where the CPU has no FMA unit (x64 below x86-64-v3, or with the runtime's intrinsics
// disabled) .NET computes the same correctly rounded result in software, slower but bit for bit the same
// (docs/determinism.md). The clamp makes k an exact small integer, so the native (non-saturating)
// float-to-int conversion is safe; NaN gives a meaningless scale but a NaN polynomial, so NaN stays NaN.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>Float exp, tanh and sigmoid: scalar, Vector128, Vector256 and Vector512 forms that give identical results.</summary>
public static class FastMath
{
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693359375f; // 710/1024: k·Ln2Hi is exact for |k| < 2^14
    private const float Ln2Lo = -2.12194440e-4f; // ln 2 − Ln2Hi
    private const float RoundingShift = 12582912f; // 1.5·2^23: (t + shift) − shift rounds t to the nearest integer
    private const float ExpMin = -87f;
    private const float ExpMax = 88f;

    // e^r = 1 + r + r²·(Q0 + Q1·r + Q2·r² + Q3·r³ + Q4·r⁴), weighted least squares on Chebyshev nodes of [−ln2/2, ln2/2].
    private const float Q0 = 0.499999886f;
    private const float Q1 = 0.166665185f;
    private const float Q2 = 0.0416695331f;
    private const float Q3 = 0.00836891634f;
    private const float Q4 = 0.00137514078f;

    // tanh(x) = x·P(x²)/Q(x²) on |x| ≤ TanhLimit, a rational fit of relative error 6e-8 in exact arithmetic (weighted
    // least squares with Loeb's reweighting, Chebyshev nodes dense near 0); P(0) = Q(0) = 1 so tanh(x) = x near 0.
    // Beyond the limit tanh rounds to ±1 in float; the quotient is clamped to [−1, 1].
    private const float TanhLimit = 9f;
    private const float P1 = 0.136202127f;
    private const float P2 = 0.00379362586f;
    private const float P3 = 2.65089093e-05f;
    private const float P4 = 2.70275446e-08f;
    private const float P5 = -9.61836080e-12f;
    private const float R1 = 0.469535440f;
    private const float R2 = 0.0269721504f;
    private const float R3 = 0.000380720769f;
    private const float R4 = 1.18323510e-06f;

    /// <summary>e^x (x clamped to [−87, 88]; NaN stays NaN).</summary>
    public static float Exp(float x)
    {
        float clamped = Math.Min(Math.Max(x, ExpMin), ExpMax);
        float k = ((clamped * Log2E) + RoundingShift) - RoundingShift;
        float r = float.FusedMultiplyAdd(k, -Ln2Hi, clamped);
        r = float.FusedMultiplyAdd(k, -Ln2Lo, r);
        float q = float.FusedMultiplyAdd(Q4, r, Q3);
        q = float.FusedMultiplyAdd(q, r, Q2);
        q = float.FusedMultiplyAdd(q, r, Q1);
        q = float.FusedMultiplyAdd(q, r, Q0);
        float e = float.FusedMultiplyAdd(q, r * r, r) + 1f;
        return e * BitConverter.Int32BitsToSingle(((int)k + 127) << 23);
    }

    /// <summary>tanh(x).</summary>
    public static float Tanh(float x)
    {
        float clamped = Math.Min(Math.Max(x, -TanhLimit), TanhLimit);
        float x2 = clamped * clamped;
        float p = float.FusedMultiplyAdd(P5, x2, P4);
        p = float.FusedMultiplyAdd(p, x2, P3);
        p = float.FusedMultiplyAdd(p, x2, P2);
        p = float.FusedMultiplyAdd(p, x2, P1);
        p = float.FusedMultiplyAdd(p, x2, 1f);
        float q = float.FusedMultiplyAdd(R4, x2, R3);
        q = float.FusedMultiplyAdd(q, x2, R2);
        q = float.FusedMultiplyAdd(q, x2, R1);
        q = float.FusedMultiplyAdd(q, x2, 1f);
        return Math.Min(Math.Max((clamped * p) / q, -1f), 1f);
    }

    /// <summary>σ(x) = 1/(1 + e^(−x)).</summary>
    public static float Sigmoid(float x) => 1f / (1f + Exp(-x));

    /// <summary>e^x in every lane, as <see cref="Exp(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) => Exp(new Lanes512(x)).Value;

    /// <summary>tanh in every lane, as <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Tanh(new Lanes512(x)).Value;

    /// <summary>σ in every lane, as <see cref="Sigmoid(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid(new Lanes512(x)).Value;

    /// <summary>e^x in every lane, as <see cref="Exp(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) => Exp(new Lanes256(x)).Value;

    /// <summary>tanh in every lane, as <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Tanh(new Lanes256(x)).Value;

    /// <summary>σ in every lane, as <see cref="Sigmoid(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid(new Lanes256(x)).Value;

    /// <summary>e^x in every lane, as <see cref="Exp(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x) => Exp(new Lanes128(x)).Value;

    /// <summary>tanh in every lane, as <see cref="Tanh(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Tanh(new Lanes128(x)).Value;

    /// <summary>σ in every lane, as <see cref="Sigmoid(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Sigmoid(new Lanes128(x)).Value;

    /// <summary>e^x in every lane of any width: the operations of <see cref="Exp(float)"/>, in its order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Exp<T>(T x)
        where T : struct, ILanes<T>
    {
        T clamped = T.Clamp(x, ExpMin, ExpMax);
        T shift = T.Create(RoundingShift);
        T k = ((clamped * T.Create(Log2E)) + shift) - shift;
        T r = T.FusedMultiplyAdd(k, T.Create(-Ln2Hi), clamped);
        r = T.FusedMultiplyAdd(k, T.Create(-Ln2Lo), r);
        T q = T.FusedMultiplyAdd(T.Create(Q4), r, T.Create(Q3));
        q = T.FusedMultiplyAdd(q, r, T.Create(Q2));
        q = T.FusedMultiplyAdd(q, r, T.Create(Q1));
        q = T.FusedMultiplyAdd(q, r, T.Create(Q0));
        T e = T.FusedMultiplyAdd(q, r * r, r) + T.One;
        return e * T.PowerOfTwo(k);
    }

    /// <summary>tanh in every lane of any width: the operations of <see cref="Tanh(float)"/>, in its order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Tanh<T>(T x)
        where T : struct, ILanes<T>
    {
        T clamped = T.Clamp(x, -TanhLimit, TanhLimit);
        T x2 = clamped * clamped;
        T p = T.FusedMultiplyAdd(T.Create(P5), x2, T.Create(P4));
        p = T.FusedMultiplyAdd(p, x2, T.Create(P3));
        p = T.FusedMultiplyAdd(p, x2, T.Create(P2));
        p = T.FusedMultiplyAdd(p, x2, T.Create(P1));
        p = T.FusedMultiplyAdd(p, x2, T.One);
        T q = T.FusedMultiplyAdd(T.Create(R4), x2, T.Create(R3));
        q = T.FusedMultiplyAdd(q, x2, T.Create(R2));
        q = T.FusedMultiplyAdd(q, x2, T.Create(R1));
        q = T.FusedMultiplyAdd(q, x2, T.One);
        return T.Clamp((clamped * p) / q, -1f, 1f);
    }

    /// <summary>σ in every lane of any width, as <see cref="Sigmoid(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Sigmoid<T>(T x)
        where T : struct, ILanes<T> =>
        T.One / (T.One + Exp(-x));
}
