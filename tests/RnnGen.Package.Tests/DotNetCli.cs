using System.Diagnostics;
using System.Text;

namespace RnnGen.Package.Tests;

/// <summary>The result of one <c>dotnet</c> child process, with everything it printed for assertion messages.</summary>
public sealed record CommandResult(string CommandLine, string WorkingDirectory, int ExitCode, bool TimedOut, TimeSpan Elapsed, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The command, its exit and all its output: the message of every assertion about it.</summary>
    public string Report() =>
        $"""
        $ {CommandLine}
        (in {WorkingDirectory}; {(TimedOut ? "timed out" : $"exit code {ExitCode}")} after {Elapsed.TotalSeconds:F1} s)
        --- stdout ---
        {StandardOutput}
        --- stderr ---
        {StandardError}
        """;
}

/// <summary>Runs the <c>dotnet</c> CLI as a child process, in an environment a newcomer's shell would give it.</summary>
internal static class DotNetCli
{
    /// <summary>Builds are slow on a loaded machine; a hang still ends, with the output so far in the report.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static async Task<CommandResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(DotNetExecutable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // `dotnet test` runs this host from inside MSBuild, whose variables (MSBuildExtensionsPath, MSBUILD_EXE_PATH,
        // MSBuildSDKsPath...) would steer the child's build; a newcomer's shell has none of them.
        foreach (string name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        startInfo.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        // A build server that outlived its build would hold our output pipes open and keep running after the test.
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment is not null)
        {
            foreach ((string name, string value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool timedOut = false;
        using (var cancellation = new CancellationTokenSource(Timeout))
        {
            try
            {
                // Waits for the exit and for the end of both output streams.
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }

        string commandLine = "dotnet " + string.Join(' ', arguments.Select(static a => a.Contains(' ') ? $"\"{a}\"" : a));
        return new CommandResult(commandLine, workingDirectory, timedOut ? -1 : process.ExitCode, timedOut, stopwatch.Elapsed, Read(stdout), Read(stderr));
    }

    /// <summary>Runs a program that is not dotnet (a published binary, qemu) in its own folder and collects its output.</summary>
    public static async Task<CommandResult> RunProgramAsync(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        string? folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            start.WorkingDirectory = folder;
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        await process.WaitForExitAsync();
        return new CommandResult(path, folder ?? "", process.ExitCode, false, clock.Elapsed, await stdout, await stderr);
    }

    /// <summary>The host that runs these tests (<c>dotnet test</c> sets DOTNET_HOST_PATH), so the SDK under test is ours.</summary>
    private static string DotNetExecutable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
