using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The sample's <c>serve</c> command running in its own process on a free loopback port (the JIT build, or a published
/// executable), until disposed.
/// </summary>
internal sealed partial class RunningService : IDisposable
{
    private readonly Process _process;

    private RunningService(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static RunningService Start(string folder, string? executable = null, params string[] options)
    {
        ProcessStartInfo start;
        if (executable is null)
        {
            start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ImdbSentiment.dll"));
        }
        else
        {
            start = new ProcessStartInfo(executable);
        }

        foreach (string argument in (string[])["serve", "--output", folder, "--urls", "http://127.0.0.1:0", .. options])
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process process = Process.Start(start) ?? throw new InvalidOperationException("serve did not start");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        string? line;
        while ((line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()) is not null)
        {
            Match match = Listening().Match(line);
            if (match.Success)
            {
                // Keep draining stdout so the service never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                return new RunningService(process, new Uri(match.Groups[1].Value));
            }
        }

        process.WaitForExit(TimeSpan.FromSeconds(10));
        throw new InvalidOperationException($"serve ended without listening after {deadline.Elapsed.TotalSeconds:F0} s: {errors.Result}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@" on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
