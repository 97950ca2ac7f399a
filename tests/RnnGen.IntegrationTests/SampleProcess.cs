using System.Diagnostics;

namespace RnnGen.IntegrationTests;

/// <summary>What one run of the sample printed, and its exit code.</summary>
internal sealed record SampleRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs samples/ImdbSentiment, built into this test's output folder, as a user would: a separate process.</summary>
internal static class SampleProcess
{
    private static readonly string s_program = Path.Combine(AppContext.BaseDirectory, "ImdbSentiment.dll");

    public static SampleRun Run(TimeSpan timeout, params string[] arguments)
    {
        // The host that runs this test (set by dotnet test), so that the sample runs on the same runtime.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(s_program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ImdbSentiment {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return new SampleRun(process.ExitCode, output.Result, error.Result);
    }

    public static SampleRun Run(params string[] arguments) => Run(TimeSpan.FromMinutes(2), arguments);
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
