using System.Diagnostics;

namespace RnnGen.IntegrationTests;

/// <summary>What one run of the sample printed, and its exit code.</summary>
internal sealed record SampleRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs samples/ImdbSentiment as a user would, in a separate process: the JIT build in this test's output folder
/// (<c>dotnet ImdbSentiment.dll</c>), or a published executable.
/// </summary>
internal static class SampleProcess
{
    private static readonly string s_program = Path.Combine(AppContext.BaseDirectory, "ImdbSentiment.dll");

    public static SampleRun Run(params string[] arguments) => Run(TimeSpan.FromMinutes(2), arguments);

    public static SampleRun Run(TimeSpan timeout, params string[] arguments) => Run(timeout, environment: null, arguments);

    /// <summary>The JIT build, with <paramref name="environment"/> added to this process's variables.</summary>
    public static SampleRun Run(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        // The host that runs this test (set by dotnet test), so that the sample runs on the same runtime.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(s_program);
        return Run(start, timeout, environment, arguments);
    }

    /// <summary>A published executable, such as the NativeAOT binary.</summary>
    public static SampleRun RunExecutable(string executable, TimeSpan timeout, params string[] arguments) =>
        Run(new ProcessStartInfo(executable), timeout, environment: null, arguments);

    /// <summary>A published executable, with <paramref name="environment"/> added to this process's variables.</summary>
    public static SampleRun RunExecutable(string executable, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run(new ProcessStartInfo(executable), timeout, environment, arguments);

    private static SampleRun Run(ProcessStartInfo start, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string[] arguments)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(start.FileName)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return new SampleRun(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>What this machine's CPU has, asked through the JIT (which reflects the CPU, unlike a NativeAOT binary).</summary>
internal static class HostCpu
{
    /// <summary>Whether the CPU has what an x86-64-v4 build needs: AVX-512 F, BW, CD, DQ and VL.</summary>
    public static bool HasAvx512 =>
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported
        && System.Runtime.Intrinsics.X86.Avx512CD.IsSupported && System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported
        && System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported;
}

/// <summary>A folder under the system's temporary folder, deleted with its contents on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-integration-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
