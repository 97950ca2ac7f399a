// What every figure of a run was measured on: the CPU's model name and the vector path the kernels took (the widest
// accelerated vector and whether FMA runs in hardware), printed once and appended to every RESULT line, so that a
// figure is never read without the width it ran with (an AVX-512 host run with DOTNET_EnableAVX512=0 runs Vector256).
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

internal static class Machine
{
    /// <summary>"vector_bits=512 fma=1": the fields appended to every RESULT line.</summary>
    public static string VectorFields => $"vector_bits={KernelPath.VectorBits} fma={(KernelPath.HardwareFma ? 1 : 0)}";

    /// <summary>
    /// The CPU's model name, family and model from /proc/cpuinfo ("AMD EPYC, family 26 model 2": virtual machines often
    /// report a bare brand name, and the family tells Zen 3 (25) from Zen 5 (26)), or the architecture where there is none.
    /// </summary>
    public static string CpuModel
    {
        get
        {
            string? name = CpuInfoField("model name");
            string? family = CpuInfoField("cpu family");
            string? model = CpuInfoField("model");
            return name is null
                ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString()
                : family is null ? name : $"{name}, family {family} model {model}";
        }
    }

    /// <summary>The CPU flags that decide the path: "avx512f+avx2+fma" (those present, of these), from /proc/cpuinfo.</summary>
    public static string CpuFlags
    {
        get
        {
            string[] flags = CpuInfoField("flags")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            string[] present = new[] { "avx512f", "avx2", "fma" }.Where(flags.Contains).ToArray();
            return present.Length > 0 ? string.Join('+', present) : "none";
        }
    }

    // The value of the first "name : value" line of /proc/cpuinfo whose name is exactly `name`; null where there is none.
    private static string? CpuInfoField(string name)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim() == name)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
