using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ImdbSample;
using RnnGen.Checkpoints;
using Xunit.Abstractions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The sample published with NativeAOT by build/publish-aot.sh, against its JIT build. The binary's vector width and its
/// use of FMA are fixed at publish time (IlcInstructionSet), where the JIT picks them for the machine; the binary must
/// pick the same kernels, predict the same, and train bit-identical weights from the same seed. A difference means it
/// sums in another order (another vector width) or computes FMA another way.
/// </summary>
public sealed partial class NativeAotTests(PublishedSample published, ITestOutputHelper log) : IClassFixture<PublishedSample>
{
    // The x86-64-v3 binary has no Vector512 kernels; on a machine with AVX-512 the JIT process runs without it, so that both
    // run the Vector256 kernels. EnableAVX512 is .NET 10's name, EnableAVX512F the older one that it still maps.
    private static readonly Dictionary<string, string> s_jitLikeTheBinary = new()
    {
        ["DOTNET_EnableAVX512"] = "0",
        ["DOTNET_EnableAVX512F"] = "0",
    };

    private static readonly TimeSpan s_trainTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public void The_published_binary_runs_the_kernels_of_the_JIT_build_and_predicts_exactly_as_it_does()
    {
        string binary = published.Executable(log);
        using var temp = new TempFolder();
        (ModelFolder folder, _, _) = CommandLineTests.TinySeedFolder(temp);
        const string Text = "A good film<br /><br />with a GOOD cast, and a plot that is not bad at all!";

        SampleRun aot = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "predict", "-v", "-o", folder.Path, Text);
        SampleRun jit = SampleProcess.Run(TimeSpan.FromMinutes(2), s_jitLikeTheBinary, "predict", "-v", "-o", folder.Path, Text);
        log.WriteLine($"NativeAOT:\n{aot.Output}JIT:\n{jit.Output}");
        Assert.True(aot.ExitCode == 0, aot.ToString());
        Assert.True(jit.ExitCode == 0, jit.ToString());

        AssertSameKernels(aot, jit);
        Assert.Equal(WithoutRuntimeLine(jit.Output), WithoutRuntimeLine(aot.Output));
    }

    [SkippableFact]
    public void One_epoch_trained_by_the_published_binary_has_the_weights_of_the_JIT_build_bit_for_bit_and_serves_predict()
    {
        using var temp = new TempFolder();
        string archive = ImdbArchive.Find(temp, "the NativeAOT training test");
        string binary = published.Executable(log);

        // The same seed and settings; the JIT run encodes the reviews into the cache, and the binary reads them back from it.
        string cache = Path.Combine(temp.Path, "cache");
        var jitFolder = new ModelFolder(Path.Combine(temp.Path, "jit"));
        var aotFolder = new ModelFolder(Path.Combine(temp.Path, "aot"));
        string[] train = ["train", "--epochs", "1", "--seed", "0", "--data", archive, "--cache", cache, "--verbose"];

        SampleRun jit = SampleProcess.Run(s_trainTimeout, s_jitLikeTheBinary, [.. train, "--output", jitFolder.Path]);
        log.WriteLine($"JIT:\n{jit.Output}");
        Assert.True(jit.ExitCode == 0, jit.ToString());
        SampleRun aot = SampleProcess.RunExecutable(binary, s_trainTimeout, [.. train, "--output", aotFolder.Path]);
        log.WriteLine($"NativeAOT:\n{aot.Output}");
        Assert.True(aot.ExitCode == 0, aot.ToString());

        AssertSameKernels(aot, jit);
        Assert.Contains("read from the encoded cache", aot.Output, StringComparison.Ordinal);
        byte[] jitWeights = File.ReadAllBytes(jitFolder.WeightsPath);
        byte[] aotWeights = File.ReadAllBytes(aotFolder.WeightsPath);
        if (!jitWeights.AsSpan().SequenceEqual(aotWeights))
        {
            Assert.Fail($"The weights differ ({jitFolder.WeightsPath}, {aotFolder.WeightsPath}):\n{DescribeDifference(jitFolder.WeightsPath, aotFolder.WeightsPath)}");
        }

        // The same weights evaluate the same on the 25,000 test reviews.
        Assert.Equal(TestAccuracy(jit), TestAccuracy(aot));

        SampleRun positive = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "predict", "-q", "-o", aotFolder.Path,
            "One of the best films I have ever seen. The acting is brilliant, the story is beautiful and moving, and the music is wonderful. A must see, I loved it.");
        SampleRun negative = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "predict", "-q", "-o", aotFolder.Path,
            "The worst movie I have ever seen. Terrible acting, a boring and stupid plot, awful dialogue. A complete waste of time and money; avoid it.");
        log.WriteLine($"positive review: {positive.Output}negative review: {negative.Output}");
        Assert.True(positive.ExitCode == 0, positive.ToString());
        Assert.True(negative.ExitCode == 0, negative.ToString());
        Assert.StartsWith("positive (", positive.Output, StringComparison.Ordinal);
        Assert.StartsWith("negative (", negative.Output, StringComparison.Ordinal);
    }

    /// <summary>The two processes report their compilers, and the same vector kernels: on x64, Vector256 with FMA.</summary>
    private static void AssertSameKernels(SampleRun aot, SampleRun jit)
    {
        Assert.Contains(", NativeAOT, ", Line(aot, "Runtime: "), StringComparison.Ordinal);
        Assert.Contains(", JIT, ", Line(jit, "Runtime: "), StringComparison.Ordinal);
        string simd = Line(aot, "SIMD: ");
        Assert.Equal(Line(jit, "SIMD: "), simd);
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Equal("SIMD: Vector512 off, Vector256 on, Vector128 on, FMA on", simd);
        }
    }

    private static string Line(SampleRun run, string prefix) =>
        run.Output.Split('\n').Select(static line => line.TrimEnd('\r')).FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No '{prefix}' line:\n{run}");

    private static string WithoutRuntimeLine(string output) =>
        string.Join('\n', output.Split('\n').Where(static line => !line.StartsWith("Runtime: ", StringComparison.Ordinal)));

    /// <summary>"Test accuracy: 0.8143 (loss 0.4145) on all 25,000 test reviews", without the time it took.</summary>
    private static string TestAccuracy(SampleRun run) =>
        TestAccuracyLine().Match(run.Output) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"No test accuracy:\n{run}");

    [GeneratedRegex(@"^(Test accuracy: .*), evaluated in", RegexOptions.Multiline)]
    private static partial Regex TestAccuracyLine();

    /// <summary>Which tensors differ, how many elements and by how much: what a failure needs to be understood.</summary>
    private static string DescribeDifference(string expectedPath, string actualPath)
    {
        var expected = new ImdbSentiment(seed: 0);
        var actual = new ImdbSentiment(seed: 0);
        Checkpoint.Load(expectedPath, expected);
        Checkpoint.Load(actualPath, actual);
        var report = new StringBuilder();
        foreach (TensorInfo tensor in ImdbSentiment.Description.Tensors)
        {
            ReadOnlySpan<float> e = expected.Parameters.Slice(tensor.Offset, tensor.Length);
            ReadOnlySpan<float> a = actual.Parameters.Slice(tensor.Offset, tensor.Length);
            int differing = 0;
            float largest = 0;
            for (int i = 0; i < e.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]))
                {
                    differing++;
                    largest = MathF.Max(largest, MathF.Abs(e[i] - a[i]));
                }
            }

            report.AppendLine($"  {tensor.Name}: {differing} of {e.Length} elements differ, by up to {largest:G3}");
        }

        return report.ToString();
    }
}

/// <summary>
/// samples/ImdbSentiment published with NativeAOT by build/publish-aot.sh, once for the tests of a class, into a temporary
/// folder. The publish builds in its own artifacts folder, so it never races the solution's build for bin/ and obj/.
/// </summary>
public sealed class PublishedSample : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly Lazy<(SampleRun Run, TimeSpan Elapsed)> _publish;

    public PublishedSample() => _publish = new(Publish);

    /// <summary>The published executable; publishes on first use, and fails every test that needs it if the publish failed.</summary>
    public string Executable(ITestOutputHelper log)
    {
        (SampleRun run, TimeSpan elapsed) = _publish.Value;
        log.WriteLine($"build/publish-aot.sh took {elapsed.TotalSeconds:F0} s (the first test of the class publishes; the others reuse it):\n{run.Output}");
        Assert.True(run.ExitCode == 0, "build/publish-aot.sh failed:\n" + run);
        string executable = Path.Combine(_temp.Path, "publish", "ImdbSentiment");
        Assert.True(File.Exists(executable), $"build/publish-aot.sh wrote no {executable}:\n{run}");
        return executable;
    }

    public void Dispose() => _temp.Dispose();

    private (SampleRun Run, TimeSpan Elapsed) Publish()
    {
        string root = RepositoryRoot();
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            Path.Combine(root, "build", "publish-aot.sh"), Path.Combine(_temp.Path, "publish"),
            "--artifacts-path", Path.Combine(_temp.Path, "artifacts"), "--disable-build-servers",
        })
        {
            start.ArgumentList.Add(argument);
        }

        // dotnet test runs this process from inside MSBuild, whose variables (MSBuildExtensionsPath, MSBuildSDKsPath, ...)
        // would steer the publish's own build; a user's shell has none of them. The dotnet that runs these tests goes first
        // on PATH, so the script publishes with the SDK under test.
        foreach (string name in start.Environment.Keys.Where(static name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && Path.GetDirectoryName(host) is string hostFolder)
        {
            start.Environment["PATH"] = hostFolder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            process.Kill(entireProcessTree: true);
            return (new SampleRun(-1, output.Result, error.Result + "\nbuild/publish-aot.sh did not finish within 20 minutes."), clock.Elapsed);
        }

        process.WaitForExit();
        return (new SampleRun(process.ExitCode, output.Result, error.Result), clock.Elapsed);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RnnGen.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No RnnGen.sln above {AppContext.BaseDirectory}.");
    }
}
