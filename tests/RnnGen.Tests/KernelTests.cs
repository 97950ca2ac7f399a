using System.Reflection;
using System.Text.RegularExpressions;
using RnnGen.Initialization;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>
/// Every generated matrix kernel of the test models (each dispatcher <c>MatMul{N}</c> and each of its Vector512, Vector256
/// and Vector128 variants, called directly, so all run whatever this machine accelerates) against the scalar reference,
/// bit for bit: they use the same fused multiply-adds in the same order. Row counts 0 … 13 cover every remainder of the
/// 6-row blocks; strides wider than the columns cover the column blocks of fused gate matrices; init = c covers accumulation.
/// </summary>
public partial class KernelTests
{
    private delegate void MatMul(int rows, int steps, ref float a, nint aRowStride, nint aStepStride, ref float b, nint bRowStride, ref float init, nint initRowStride, ref float c, nint cRowStride);

    public static TheoryData<string> Kernels()
    {
        // The assembly's one kernels class holds the kernels of all its models (Models.cs): every width they use.
        var data = new TheoryData<string>();
        foreach (MethodInfo method in typeof(RnnGen.Generated.MatrixKernels_RnnGen_Tests).GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Where(static m => KernelName().IsMatch(m.Name)))
        {
            data.Add(method.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void GeneratedKernelEqualsTheScalarReferenceBitForBit(string kernel)
    {
        MatMul generated = typeof(RnnGen.Generated.MatrixKernels_RnnGen_Tests).GetMethod(kernel, BindingFlags.NonPublic | BindingFlags.Static)!.CreateDelegate<MatMul>();
        int columns = int.Parse(KernelName().Match(kernel).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var random = new RnnRandom(columns);
        foreach ((int rows, int steps) in new[] { (0, 3), (1, 1), (5, 0), (6, 4), (7, 9), (11, 2), (13, 17) })
        {
            foreach (bool accumulate in new[] { false, true })
            {
                // a read transposed (row stride 1) on odd cases, so both access patterns of the kernels are checked.
                bool transposed = (rows + steps) % 2 == 1;
                nint aRowStride = transposed ? 1 : steps + 2, aStepStride = transposed ? rows + 3 : 1;
                nint bRowStride = columns + 5, cRowStride = columns + 3;
                float[] a = Random(random, (rows + 3) * (steps + 2) + 8);
                float[] b = Random(random, ((steps + 1) * (columns + 5)) + 8);
                float[] expected = Random(random, ((rows + 1) * (columns + 3)) + 8);
                float[] actual = (float[])expected.Clone();
                float[] bias = Random(random, columns);
                if (accumulate)
                {
                    ReferenceKernels.MatMul(columns, rows, steps, ref a[0], aRowStride, aStepStride, ref b[0], bRowStride, ref expected[0], cRowStride, ref expected[0], cRowStride);
                    generated(rows, steps, ref a[0], aRowStride, aStepStride, ref b[0], bRowStride, ref actual[0], cRowStride, ref actual[0], cRowStride);
                }
                else
                {
                    ReferenceKernels.MatMul(columns, rows, steps, ref a[0], aRowStride, aStepStride, ref b[0], bRowStride, ref bias[0], 0, ref expected[0], cRowStride);
                    generated(rows, steps, ref a[0], aRowStride, aStepStride, ref b[0], bRowStride, ref bias[0], 0, ref actual[0], cRowStride);
                }

                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{kernel}: rows {rows}, steps {steps}, accumulate {accumulate}: first difference at {expected.AsSpan().CommonPrefixLength(actual)}");
            }
        }
    }

    private static float[] Random(RnnRandom random, int length) =>
        Enumerable.Range(0, length).Select(_ => random.NextSingle() - 0.5f).ToArray();

    [GeneratedRegex(@"^MatMul(\d+)(Vector(128|256|512))?$")]
    private static partial Regex KernelName();
}
