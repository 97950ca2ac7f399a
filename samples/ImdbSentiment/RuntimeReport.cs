using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ImdbSample;

/// <summary>
/// What <c>--verbose</c> prints about the process: how its code was compiled, and which vector instructions the kernels
/// use. The generated kernels pick their variant from <c>Vector512/256/128.IsHardwareAccelerated</c> and use fused
/// multiply-adds throughout. The JIT decides these for the machine it runs on; a NativeAOT binary has them fixed at
/// publish time by its instruction set (IlcInstructionSet), so these lines show whether a published binary runs the
/// same kernels as the JIT, and therefore trains the same weights.
/// </summary>
internal static class RuntimeReport
{
    /// <summary>For example <c>Runtime: .NET 10.0.12, NativeAOT, linux-x64, 2 cores</c>.</summary>
    public static string Runtime => string.Create(CultureInfo.InvariantCulture,
        $"Runtime: .NET {Environment.Version}, {(IsJitCompiled ? "JIT" : "NativeAOT")}, {RuntimeInformation.RuntimeIdentifier}, {Environment.ProcessorCount} cores");

    // Not RuntimeFeature.IsDynamicCodeCompiled: PublishAot sets IsDynamicCodeSupported to false in the JIT build's
    // runtimeconfig.json too, so both builds would say NativeAOT. A JIT has compiled this very method by now; NativeAOT
    // has no JIT and counts none.
    private static bool IsJitCompiled => JitInfo.GetCompiledMethodCount() > 0;

    /// <summary>For example <c>SIMD: Vector512 off, Vector256 on, Vector128 on, FMA on</c>.</summary>
    public static string Simd =>
        $"SIMD: Vector512 {OnOff(Vector512.IsHardwareAccelerated)}, Vector256 {OnOff(Vector256.IsHardwareAccelerated)}, Vector128 {OnOff(Vector128.IsHardwareAccelerated)}, FMA {OnOff(HasFusedMultiplyAdd)}";

    private static bool HasFusedMultiplyAdd => RnnGen.Kernels.KernelPath.HardwareFma;

    private static string OnOff(bool value) => value ? "on" : "off";

    public static void Write(TextWriter output)
    {
        output.WriteLine(Runtime);
        output.WriteLine(Simd);
    }
}
