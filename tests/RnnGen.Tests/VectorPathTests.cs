using System.Globalization;
using System.Runtime.InteropServices;
using RnnGen.Kernels;

namespace RnnGen.Tests;

/// <summary>
/// Which kernel variant this process runs. test.sh reruns the numerical tests with wider vectors or FMA disabled in the
/// runtime (.NET 10's knobs DOTNET_EnableAVX512, DOTNET_PreferredVectorBitWidth, DOTNET_EnableAVX2 and
/// DOTNET_EnableHWIntrinsic) and sets RNNGEN_EXPECT_VECTOR_BITS and RNNGEN_EXPECT_FMA, so this test proves each rerun
/// really exercised the path it claims to: a knob the runtime ignores (as .NET 10 ignores DOTNET_EnableAVX512F) fails
/// here instead of silently rerunning the wide path.
/// </summary>
public class VectorPathTests
{
    [Fact]
    public void TheExpectedKernelVariantIsActive()
    {
        string? expectedBits = Environment.GetEnvironmentVariable("RNNGEN_EXPECT_VECTOR_BITS");
        string? expectedFma = Environment.GetEnvironmentVariable("RNNGEN_EXPECT_FMA");
        if (expectedBits is not null)
        {
            Assert.True(
                int.Parse(expectedBits, CultureInfo.InvariantCulture) == KernelPath.VectorBits,
                $"RNNGEN_EXPECT_VECTOR_BITS={expectedBits}, but this process runs {KernelPath.Describe()}: the runtime knob did not take effect");
        }
        else if (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
        {
            Assert.True(KernelPath.VectorBits >= 128, "no SIMD on a 64-bit x86 or Arm machine: the runtime was started with hardware intrinsics disabled");
        }

        if (expectedFma is not null)
        {
            Assert.True(
                (expectedFma == "1") == KernelPath.HardwareFma,
                $"RNNGEN_EXPECT_FMA={expectedFma}, but this process runs {KernelPath.Describe()}: the runtime knob did not take effect");
        }
    }
}
