// Which variant of the kernels this process runs. Every kernel picks the widest accelerated vector
// (Vector512.IsHardwareAccelerated, then 256, then 128, else scalar code), and fused multiply-adds run in hardware
// where the CPU has FMA (x64 FMA3; Arm64's AdvSimd always has it), in software otherwise. The results are the same
// bits on every path (docs/determinism.md); the path decides the speed only.
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>The vector width and FMA support the kernels run with in this process.</summary>
public static class KernelPath
{
    /// <summary>512, 256 or 128: the widest accelerated vector; 0 when the kernels run their scalar code.</summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>Whether fused multiply-adds run in hardware.</summary>
    public static bool HardwareFma =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>The path in words: "Vector512, FMA", "Vector128, no FMA", "scalar, no FMA".</summary>
    public static string Describe() =>
        $"{(VectorBits == 0 ? "scalar" : $"Vector{VectorBits}")}, {(HardwareFma ? "FMA" : "no FMA")}";
}
