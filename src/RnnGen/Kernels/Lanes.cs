// One way to write a kernel for every vector width: the math is written once against ILanes<T> with ordinary
// operators, and the JIT specializes it for Lanes128, Lanes256 and Lanes512 (single-field structs, every member
// inlined, so the code is what Vector128/256/512 calls written by hand would give). A kernel runs its widest accelerated
// width first and hands the remaining columns to the next narrower one and then to its scalar tail; every width runs
// the same operations in the same order, so a value never depends on the lane or the width that computed it.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>A vector of floats of one width, with the operations the cell math needs.</summary>
internal interface ILanes<TSelf>
    where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Whether this width runs in hardware here (otherwise a kernel skips it).</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>The floats in one vector.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf One { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf Load(ref float source, nint offset);

    static abstract void Store(TSelf value, ref float destination, nint offset);

    static abstract TSelf Min(TSelf left, TSelf right);

    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>
    /// min(max(<paramref name="value"/>, <paramref name="low"/>), <paramref name="high"/>) for bounds that are neither NaN
    /// nor zero; a NaN value stays NaN. Lane for lane the bits of <see cref="Min"/> over <see cref="Max"/> (and of
    /// Math.Min over Math.Max), in a native max and min: the IEEE Min and Max compile to three instructions each with
    /// AVX-512 (vrangeps and two vfixupimmps, to order −0 below +0 and to return a NaN from either side), neither of which
    /// a clamp to nonzero constants needs. The value is the second operand of both, which x86 returns when either is NaN.
    /// </summary>
    static abstract TSelf Clamp(TSelf value, float low, float high);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>2^k for lanes holding exact integers k in [−126, 127] (exp's scale, built in the exponent bits).</summary>
    static abstract TSelf PowerOfTwo(TSelf k);

    /// <summary><paramref name="inside"/> where 0 &lt; y &lt; 1, else 0.</summary>
    static abstract TSelf InsideUnitInterval(TSelf y, TSelf inside);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf value);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);
}

/// <summary>128-bit lanes.</summary>
internal readonly struct Lanes128(Vector128<float> value) : ILanes<Lanes128>
{
    public readonly Vector128<float> Value = value;

    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;

    public static int Count => Vector128<float>.Count;

    public static Lanes128 Zero => new(Vector128<float>.Zero);

    public static Lanes128 One => new(Vector128<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(ref float source, nint offset) => new(Vector128.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes128 value, ref float destination, nint offset) => Vector128.StoreUnsafe(value.Value, ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Min(Lanes128 left, Lanes128 right) => new(Vector128.Min(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Max(Lanes128 left, Lanes128 right) => new(Vector128.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Clamp(Lanes128 value, float low, float high) =>
        new(Vector128.MinNative(Vector128.Create(high), Vector128.MaxNative(Vector128.Create(low), value.Value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 FusedMultiplyAdd(Lanes128 a, Lanes128 b, Lanes128 c) => new(Vector128.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 PowerOfTwo(Lanes128 k) => new(Vector128.ShiftLeft(Vector128.ConvertToInt32Native(k.Value) + Vector128.Create(127), 23).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 InsideUnitInterval(Lanes128 y, Lanes128 inside) =>
        new(Vector128.ConditionalSelect(Vector128.GreaterThan(y.Value, Vector128<float>.Zero) & Vector128.LessThan(y.Value, Vector128<float>.One), inside.Value, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator +(Lanes128 left, Lanes128 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 left, Lanes128 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator -(Lanes128 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator *(Lanes128 left, Lanes128 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 operator /(Lanes128 left, Lanes128 right) => new(left.Value / right.Value);
}

/// <summary>256-bit lanes.</summary>
internal readonly struct Lanes256(Vector256<float> value) : ILanes<Lanes256>
{
    public readonly Vector256<float> Value = value;

    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    public static int Count => Vector256<float>.Count;

    public static Lanes256 Zero => new(Vector256<float>.Zero);

    public static Lanes256 One => new(Vector256<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref float source, nint offset) => new(Vector256.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256 value, ref float destination, nint offset) => Vector256.StoreUnsafe(value.Value, ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Min(Lanes256 left, Lanes256 right) => new(Vector256.Min(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Max(Lanes256 left, Lanes256 right) => new(Vector256.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Clamp(Lanes256 value, float low, float high) =>
        new(Vector256.MinNative(Vector256.Create(high), Vector256.MaxNative(Vector256.Create(low), value.Value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 FusedMultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 PowerOfTwo(Lanes256 k) => new(Vector256.ShiftLeft(Vector256.ConvertToInt32Native(k.Value) + Vector256.Create(127), 23).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 InsideUnitInterval(Lanes256 y, Lanes256 inside) =>
        new(Vector256.ConditionalSelect(Vector256.GreaterThan(y.Value, Vector256<float>.Zero) & Vector256.LessThan(y.Value, Vector256<float>.One), inside.Value, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 left, Lanes256 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator /(Lanes256 left, Lanes256 right) => new(left.Value / right.Value);
}

/// <summary>512-bit lanes.</summary>
internal readonly struct Lanes512(Vector512<float> value) : ILanes<Lanes512>
{
    public readonly Vector512<float> Value = value;

    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    public static int Count => Vector512<float>.Count;

    public static Lanes512 Zero => new(Vector512<float>.Zero);

    public static Lanes512 One => new(Vector512<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ref float source, nint offset) => new(Vector512.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512 value, ref float destination, nint offset) => Vector512.StoreUnsafe(value.Value, ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Min(Lanes512 left, Lanes512 right) => new(Vector512.Min(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Max(Lanes512 left, Lanes512 right) => new(Vector512.Max(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Clamp(Lanes512 value, float low, float high) =>
        new(Vector512.MinNative(Vector512.Create(high), Vector512.MaxNative(Vector512.Create(low), value.Value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 FusedMultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 PowerOfTwo(Lanes512 k) => new(Vector512.ShiftLeft(Vector512.ConvertToInt32Native(k.Value) + Vector512.Create(127), 23).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 InsideUnitInterval(Lanes512 y, Lanes512 inside) =>
        new(Vector512.ConditionalSelect(Vector512.GreaterThan(y.Value, Vector512<float>.Zero) & Vector512.LessThan(y.Value, Vector512<float>.One), inside.Value, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator -(Lanes512 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator /(Lanes512 left, Lanes512 right) => new(left.Value / right.Value);
}
