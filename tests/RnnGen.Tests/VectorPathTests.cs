using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Tests;

/// <summary>
/// Which kernel variant this process runs. test.sh reruns the numerical tests with narrower vectors disabled in the
/// runtime (DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0) and sets RNNGEN_EXPECT_VECTOR_BITS, so this test proves
/// each rerun really exercised the variant it claims to.
/// </summary>
public class VectorPathTests
{
    public static int ActiveVectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;

    [Fact]
    public void TheExpectedKernelVariantIsActive()
    {
        string? expected = Environment.GetEnvironmentVariable("RNNGEN_EXPECT_VECTOR_BITS");
        if (expected is not null)
        {
            Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ActiveVectorBits);
        }
        else if (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
        {
            Assert.True(ActiveVectorBits >= 128, "no SIMD on a 64-bit x86 or Arm machine: the runtime was started with hardware intrinsics disabled");
        }
    }
}
