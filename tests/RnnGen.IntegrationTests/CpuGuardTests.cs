using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Versioning;
using Xunit.Abstractions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The start-up guard that src/RnnGen/build/RnnGen.targets links into NativeAOT binaries on linux-x64
/// (src/RnnGen/build/rnngen_cpu_guard.c). Older CPUs are simulated with QEMU's user-mode emulator, whose CPU models
/// report the CPUID bits of real processors (Nehalem: no AVX; Haswell: AVX2 and FMA, no AVX-512; QEMU's own "max" has
/// no AVX-512 either), so the guard meets the CPU a real old machine would show it. test.sh installs qemu-user.
/// </summary>
[Collection(nameof(PublishedSampleCollection))]
[SupportedOSPlatform("linux")]
public sealed class CpuGuardTests(PublishedSample published, ITestOutputHelper log) : IDisposable
{
    private const string V3Lacks = "AVX, FMA, MOVBE, F16C, AVX2, BMI1, BMI2, LZCNT";
    private const string V4Lacks = "AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(3, "Nehalem", V3Lacks, "x86-64-v2")]
    [InlineData(4, "Haswell", V4Lacks, "x86-64-v3")]
    [InlineData(4, "Nehalem", V3Lacks + ", OS support for AVX state (XCR0), " + V4Lacks, "x86-64-v2")]
    public void A_CPU_without_the_level_gets_the_missing_instructions_named_and_exit_status_3(int level, string cpu, string lacks, string advice)
    {
        string guarded = CompileGuarded(level);
        SampleRun run = Emulated(cpu, guarded);
        log.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.DoesNotContain("guard passed", run.Output, StringComparison.Ordinal);
        Assert.Contains($"was built for x86-64-v{level} (IlcInstructionSet), but this CPU lacks {lacks}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"-p:RnnGenInstructionSet={advice}", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, "Haswell")]
    [InlineData(3, "max")]
    public void A_CPU_with_the_level_starts_the_program(int level, string cpu)
    {
        SampleRun run = Emulated(cpu, CompileGuarded(level));
        Assert.True(run.ExitCode == 0 && run.Output.Contains("guard passed", StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public void This_machine_starts_every_level_it_has_and_refuses_the_others()
    {
        bool v4 = HostCpu.HasAvx512;
        bool v3 = Avx2.IsSupported && Fma.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported && Lzcnt.IsSupported;
        foreach ((int level, bool expected) in new[] { (3, v3), (4, v4) })
        {
            SampleRun run = Run(CompileGuarded(level));
            Assert.True(expected ? run.ExitCode == 0 : run.ExitCode == 3, $"x86-64-v{level} on this CPU:\n{run}");
        }
    }

    [Fact]
    public void An_x86_64_v3_binary_hands_over_to_its_v4_sibling_only_on_CPUs_with_AVX_512()
    {
        string guarded = CompileGuarded(3);
        string sibling = guarded + ".x86-64-v4";
        File.WriteAllText(sibling, "#!/bin/sh\necho \"v4 build ran with: $*\"\n");
        File.SetUnixFileMode(sibling, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        SampleRun native = Run(guarded, arguments: ["a", "b c"]);
        Assert.True(native.ExitCode == 0, native.ToString());
        Assert.Equal(HostCpu.HasAvx512 ? "v4 build ran with: a b c\n" : "guard passed\n", native.Output);

        SampleRun kept = Run(guarded, environment: new() { ["RNNGEN_NO_DISPATCH"] = "1" });
        Assert.Equal("guard passed\n", kept.Output);

        // QEMU's CPU has AVX2 but no AVX-512: the v3 build keeps running itself.
        SampleRun emulated = Emulated("max", guarded);
        Assert.Equal("guard passed\n", emulated.Output);
    }

    [Fact]
    public void The_published_sample_names_what_an_older_CPU_lacks_instead_of_aborting()
    {
        string binary = published.Executable(log);
        SampleRun run = Emulated("Nehalem", binary, "--help");
        log.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"ImdbSentiment: this NativeAOT binary was built for x86-64-v3 (IlcInstructionSet), but this CPU lacks {V3Lacks}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("The required instruction sets are not supported", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The guard of level <paramref name="level"/> linked to a main that prints "guard passed".</summary>
    private string CompileGuarded(int level)
    {
        Assert.True(RuntimeInformation.ProcessArchitecture == Architecture.X64 && OperatingSystem.IsLinux(), "the guard is linux-x64 code");
        string main = Path.Combine(_temp.Path, "main.c");
        File.WriteAllText(main, "#include <stdio.h>\nint main(void) { puts(\"guard passed\"); return 0; }\n");
        string output = Path.Combine(_temp.Path, $"guarded-v{level}");
        string guard = Path.Combine(PublishedSample.RepositoryRoot(), "src", "RnnGen", "build", "rnngen_cpu_guard.c");
        SampleRun compile = Run("cc", arguments: ["-O2", "-Wall", "-Wextra", "-Werror", "-march=x86-64", $"-DRNNGEN_REQUIRED_LEVEL={level}", guard, main, "-o", output]);
        Assert.True(compile.ExitCode == 0, $"cc failed:\n{compile}");
        return output;
    }

    private static SampleRun Emulated(string cpu, string executable, params string[] arguments)
    {
        string? qemu = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(static folder => Path.Combine(folder, "qemu-x86_64")).FirstOrDefault(File.Exists);
        Assert.True(qemu is not null, "qemu-x86_64 is not on PATH: test.sh installs it (Debian package qemu-user)");
        SampleRun run = Run(qemu, arguments: ["-cpu", cpu, executable, .. arguments]);

        // QEMU warns about CPUID bits of the model its emulator cannot provide (pcid, x2apic, ...): not the program's words.
        string error = string.Join('\n', run.Error.Split('\n').Where(static line => !line.Contains("TCG doesn't support", StringComparison.Ordinal)));
        return run with { Error = error };
    }

    private static SampleRun Run(string executable, string[]? arguments = null, Dictionary<string, string>? environment = null) =>
        SampleProcess.RunExecutable(executable, TimeSpan.FromMinutes(2), environment, arguments ?? []);
}
