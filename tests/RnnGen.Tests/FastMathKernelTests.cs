using System.Runtime.Intrinsics;
using RnnGen.Initialization;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>
/// The float exp, tanh and sigmoid of the cells against double-precision Math (the scalar reference), in ulps of the
/// float result, and every vector width against the scalar form bit for bit (part of the numerical reruns of test.sh,
/// so the Vector128 and scalar-only paths are checked too).
/// </summary>
public class FastMathKernelTests
{
    private const int MaxUlps = 3;

    // The rational tanh rounds its quotient near ±1 (|x| around 5–9), where it is up to 5.4 ulp (3e-7) off with fused
    // multiply-adds and 6.3 ulp without (DOTNET_EnableAVX2=0 and the scalar-only rerun).
    private const int TanhMaxUlps = 8;

    // Every float in [from, to) in steps, plus the edges of each branch.
    private static IEnumerable<float> Grid(float from, float to, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return from + ((to - from) * i / count);
        }

        foreach (float edge in new[] { 0f, -0f, 1e-30f, -1e-30f, 1e-7f, 0.3f, 0.624999f, 0.625f, -0.625f, 0.625001f, 9f, -9f, 87f, -87f, 88f, -88f, 100f, -100f })
        {
            yield return edge;
        }
    }

    private static double UlpsOff(float actual, double expected)
    {
        float rounded = (float)expected;
        float ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
        return Math.Abs(actual - expected) / ulp;
    }

    [Fact]
    public void ExpIsWithinThreeUlpsOfDoublePrecision()
    {
        double worst = 0;
        foreach (float x in Grid(-87f, 88f, 1_000_000))
        {
            worst = Math.Max(worst, UlpsOff(FastMath.Exp(x), Math.Exp(Math.Clamp(x, -87f, 88f))));
        }

        Assert.True(worst <= MaxUlps, $"exp is off by {worst:F2} ulp");
    }

    [Fact]
    public void TanhIsWithinEightUlpsOfDoublePrecision()
    {
        double worst = 0;
        float worstAt = 0;
        foreach (float x in Grid(-12f, 12f, 2_000_000))
        {
            double error = UlpsOff(FastMath.Tanh(x), Math.Tanh(x));
            if (error > worst)
            {
                (worst, worstAt) = (error, x);
            }
        }

        Assert.True(worst <= TanhMaxUlps, $"tanh is off by {worst:F2} ulp at {worstAt}");
        Assert.Equal(1f, FastMath.Tanh(float.PositiveInfinity));
        Assert.Equal(-1f, FastMath.Tanh(float.NegativeInfinity));
        Assert.True(float.IsNegative(FastMath.Tanh(-0f)));
    }

    [Fact]
    public void SigmoidIsWithinThreeUlpsOfDoublePrecision()
    {
        double worst = 0;
        float worstAt = 0;
        // Below −86, e^(−x) is clamped at e^88 and σ(x) < 6e-39 is returned as at most 6e-39: checked absolutely below.
        foreach (float x in Grid(-86f, 40f, 2_000_000).Where(static x => x >= -86f))
        {
            double error = UlpsOff(FastMath.Sigmoid(x), 1 / (1 + Math.Exp(-(double)x)));
            if (error > worst)
            {
                (worst, worstAt) = (error, x);
            }
        }

        Assert.True(worst <= MaxUlps, $"sigmoid is off by {worst:F2} ulp at {worstAt}");
        Assert.Equal(1f, FastMath.Sigmoid(float.PositiveInfinity));
        Assert.InRange(FastMath.Sigmoid(float.NegativeInfinity), 0f, 1e-37f);
        Assert.InRange(FastMath.Sigmoid(-100f), 0f, 1e-37f);
    }

    [Fact]
    public void NaNStaysNaN()
    {
        Assert.True(float.IsNaN(FastMath.Exp(float.NaN)));
        Assert.True(float.IsNaN(FastMath.Tanh(float.NaN)));
        Assert.True(float.IsNaN(FastMath.Sigmoid(float.NaN)));
        float[] values = Enumerable.Repeat(float.NaN, 19).ToArray();
        Activations.TanhInPlace(values);
        Assert.All(values, static v => Assert.True(float.IsNaN(v)));
        values = Enumerable.Repeat(float.NaN, 19).ToArray();
        Activations.SigmoidInPlace(values);
        Assert.All(values, static v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void EveryVectorWidthEqualsTheScalarFormBitForBit()
    {
        var random = new RnnRandom(5);
        float[] inputs = Grid(-30f, 30f, 4096).Concat(Enumerable.Range(0, 4096).Select(_ => (random.NextSingle() - 0.5f) * 4)).ToArray();
        inputs = inputs.Take(inputs.Length - (inputs.Length % 16)).ToArray();
        for (int i = 0; i < inputs.Length; i += 16)
        {
            Vector512<float> x512 = Vector512.Create(inputs.AsSpan(i, 16));
            Vector256<float> x256 = Vector256.Create(inputs.AsSpan(i, 8));
            Vector128<float> x128 = Vector128.Create(inputs.AsSpan(i, 4));
            for (int lane = 0; lane < 16; lane++)
            {
                float x = inputs[i + lane];
                AssertSame(FastMath.Exp(x), FastMath.Exp(x512).GetElement(lane), "exp", x);
                AssertSame(FastMath.Tanh(x), FastMath.Tanh(x512).GetElement(lane), "tanh", x);
                AssertSame(FastMath.Sigmoid(x), FastMath.Sigmoid(x512).GetElement(lane), "sigmoid", x);
                if (lane >= 8)
                {
                    continue;
                }

                AssertSame(FastMath.Exp(x), FastMath.Exp(x256).GetElement(lane), "exp", x);
                AssertSame(FastMath.Tanh(x), FastMath.Tanh(x256).GetElement(lane), "tanh", x);
                AssertSame(FastMath.Sigmoid(x), FastMath.Sigmoid(x256).GetElement(lane), "sigmoid", x);
                if (lane < 4)
                {
                    AssertSame(FastMath.Exp(x), FastMath.Exp(x128).GetElement(lane), "exp", x);
                    AssertSame(FastMath.Tanh(x), FastMath.Tanh(x128).GetElement(lane), "tanh", x);
                    AssertSame(FastMath.Sigmoid(x), FastMath.Sigmoid(x128).GetElement(lane), "sigmoid", x);
                }
            }
        }

        // The span forms: whole vectors of whatever width is active, then a scalar tail (odd length).
        float[] tanh = inputs[..1001];
        float[] sigmoid = inputs[..1001];
        Activations.TanhInPlace(tanh);
        Activations.SigmoidInPlace(sigmoid);
        for (int i = 0; i < tanh.Length; i++)
        {
            AssertSame(FastMath.Tanh(inputs[i]), tanh[i], "TanhInPlace", inputs[i]);
            AssertSame(FastMath.Sigmoid(inputs[i]), sigmoid[i], "SigmoidInPlace", inputs[i]);
        }
    }

    private static void AssertSame(float expected, float actual, string function, float x)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
        {
            Assert.Fail($"{function}({x:R}): scalar {expected:R}, vector {actual:R}");
        }
    }
}
