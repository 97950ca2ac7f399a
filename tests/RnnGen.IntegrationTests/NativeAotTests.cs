using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ImdbSample;
using RnnGen.Checkpoints;
using Xunit.Abstractions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The sample published with NativeAOT by build/publish-aot.sh --fleet, against its JIT build. The binary is compiled
/// for x86-64-v3 (Vector256 with FMA) and hands over to its x86-64-v4 sibling (Vector512) on CPUs with AVX-512;
/// RNNGEN_NO_DISPATCH=1 keeps the v3 build. The JIT picks the widest vectors of the machine. Whatever each picks, all
/// must predict the same and train bit-identical weights from the same seed (docs/determinism.md): a difference means
/// some operation's result depends on the vector width or on how FMA is computed.
/// </summary>
[Collection(nameof(PublishedSampleCollection))]
public sealed partial class NativeAotTests(PublishedSample published, ITestOutputHelper log)
{
    private static readonly Dictionary<string, string> s_v3Build = new() { ["RNNGEN_NO_DISPATCH"] = "1" };

    private static readonly TimeSpan s_trainTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public void The_published_builds_predict_exactly_as_the_JIT_build_whatever_kernels_each_runs()
    {
        string binary = published.Executable(log);
        using var temp = new TempFolder();
        (ModelFolder folder, _, _) = CommandLineTests.TinySeedFolder(temp);
        const string Text = "A good film<br /><br />with a GOOD cast, and a plot that is not bad at all!";

        SampleRun v3 = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), s_v3Build, "predict", "-v", "-o", folder.Path, Text);
        SampleRun fleet = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "predict", "-v", "-o", folder.Path, Text);
        SampleRun jit = SampleProcess.Run(TimeSpan.FromMinutes(2), "predict", "-v", "-o", folder.Path, Text);
        log.WriteLine($"NativeAOT x86-64-v3:\n{v3.Output}NativeAOT, chosen at start-up:\n{fleet.Output}JIT:\n{jit.Output}");
        Assert.True(v3.ExitCode == 0, v3.ToString());
        Assert.True(fleet.ExitCode == 0, fleet.ToString());
        Assert.True(jit.ExitCode == 0, jit.ToString());

        AssertRuntimes(v3, fleet, jit);
        Assert.Equal(WithoutRuntimeLines(jit.Output), WithoutRuntimeLines(v3.Output));
        Assert.Equal(WithoutRuntimeLines(jit.Output), WithoutRuntimeLines(fleet.Output));
    }

    [SkippableFact]
    public void One_epoch_trained_by_each_published_build_has_the_weights_of_the_JIT_build_bit_for_bit_and_serves_predict()
    {
        using var temp = new TempFolder();
        string archive = ImdbArchive.Find(temp, "the NativeAOT training test");
        string binary = published.Executable(log);

        // The same seed and settings; the JIT run encodes the reviews into the cache, and the binaries read them back from it.
        string cache = Path.Combine(temp.Path, "cache");
        var jitFolder = new ModelFolder(Path.Combine(temp.Path, "jit"));
        var v3Folder = new ModelFolder(Path.Combine(temp.Path, "aot-v3"));
        var fleetFolder = new ModelFolder(Path.Combine(temp.Path, "aot-fleet"));
        string[] train = ["train", "--epochs", "1", "--seed", "0", "--data", archive, "--cache", cache, "--verbose"];

        SampleRun jit = SampleProcess.Run(s_trainTimeout, [.. train, "--output", jitFolder.Path]);
        log.WriteLine($"JIT:\n{jit.Output}");
        Assert.True(jit.ExitCode == 0, jit.ToString());
        SampleRun v3 = SampleProcess.RunExecutable(binary, s_trainTimeout, s_v3Build, [.. train, "--output", v3Folder.Path]);
        log.WriteLine($"NativeAOT x86-64-v3:\n{v3.Output}");
        Assert.True(v3.ExitCode == 0, v3.ToString());
        SampleRun fleet = SampleProcess.RunExecutable(binary, s_trainTimeout, [.. train, "--output", fleetFolder.Path]);
        log.WriteLine($"NativeAOT, chosen at start-up:\n{fleet.Output}");
        Assert.True(fleet.ExitCode == 0, fleet.ToString());

        AssertRuntimes(v3, fleet, jit);
        Assert.Contains("read from the encoded cache", v3.Output, StringComparison.Ordinal);
        byte[] jitWeights = File.ReadAllBytes(jitFolder.WeightsPath);
        foreach (ModelFolder aotFolder in new[] { v3Folder, fleetFolder })
        {
            if (!jitWeights.AsSpan().SequenceEqual(File.ReadAllBytes(aotFolder.WeightsPath)))
            {
                Assert.Fail($"The weights differ ({jitFolder.WeightsPath}, {aotFolder.WeightsPath}):\n{DescribeDifference(jitFolder.WeightsPath, aotFolder.WeightsPath)}");
            }
        }

        // The same weights evaluate the same on the 25,000 test reviews.
        Assert.Equal(TestAccuracy(jit), TestAccuracy(v3));
        Assert.Equal(TestAccuracy(jit), TestAccuracy(fleet));

        SampleRun positive = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "predict", "-q", "-o", fleetFolder.Path,
            "One of the best films I have ever seen. The acting is brilliant, the story is beautiful and moving, and the music is wonderful. A must see, I loved it.");
        SampleRun negative = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "predict", "-q", "-o", fleetFolder.Path,
            "The worst movie I have ever seen. Terrible acting, a boring and stupid plot, awful dialogue. A complete waste of time and money; avoid it.");
        log.WriteLine($"positive review: {positive.Output}negative review: {negative.Output}");
        Assert.True(positive.ExitCode == 0, positive.ToString());
        Assert.True(negative.ExitCode == 0, negative.ToString());
        Assert.StartsWith("positive (", positive.Output, StringComparison.Ordinal);
        Assert.StartsWith("negative (", negative.Output, StringComparison.Ordinal);

        // ONNX export works without reflection: the binary writes the same bytes as the JIT build from the same weights.
        string aotOnnx = Path.Combine(temp.Path, "aot.onnx");
        string jitOnnx = Path.Combine(temp.Path, "jit.onnx");
        SampleRun aotExport = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "export", "-o", fleetFolder.Path, "--file", aotOnnx);
        Assert.True(aotExport.ExitCode == 0, aotExport.ToString());
        SampleRun jitExport = SampleProcess.Run("export", "-o", jitFolder.Path, "--file", jitOnnx);
        Assert.True(jitExport.ExitCode == 0, jitExport.ToString());
        Assert.True(File.ReadAllBytes(jitOnnx).AsSpan().SequenceEqual(File.ReadAllBytes(aotOnnx)), "the NativeAOT binary's ONNX file differs from the JIT build's");

        // Keras files without reflection: the same .weights.h5 bytes, and a Keras file's config read into the attribute.
        string aotWeights = Path.Combine(temp.Path, "aot.weights.h5");
        string jitWeights2 = Path.Combine(temp.Path, "jit.weights.h5");
        SampleRun aotKeras = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "export", "-o", fleetFolder.Path, "--format", "weights.h5", "--file", aotWeights);
        Assert.True(aotKeras.ExitCode == 0, aotKeras.ToString());
        SampleRun jitKeras = SampleProcess.Run("export", "-o", jitFolder.Path, "--format", "weights.h5", "--file", jitWeights2);
        Assert.True(jitKeras.ExitCode == 0, jitKeras.ToString());
        Assert.True(File.ReadAllBytes(jitWeights2).AsSpan().SequenceEqual(File.ReadAllBytes(aotWeights)), "the NativeAOT binary's .weights.h5 differs from the JIT build's");
        string fixture = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(archive))!, "..", "fixtures", "keras", "lstm_S1.keras");
        SampleRun attribute = SampleProcess.RunExecutable(binary, TimeSpan.FromMinutes(2), "keras-attribute", fixture);
        Assert.True(attribute.ExitCode == 0, attribute.ToString());
        Assert.Equal("[RnnModel(Vocab = 11, Embed = 5, Units = 7, Layers = 2, SeqLen = 6, Cell = RnnCell.Lstm)]", attribute.Output.Trim());

        // The binary serves: the same probability over HTTP as predict printed.
        using RunningService service = RunningService.Start(fleetFolder.Path, binary);
        using var http = new HttpClient { BaseAddress = service.Address };
        Assert.Contains("\"status\":\"ok\"", http.GetStringAsync("/health").GetAwaiter().GetResult(), StringComparison.Ordinal);
        using HttpResponseMessage response = http.PostAsync("/predict", new StringContent(
            "{\"text\": \"One of the best films I have ever seen. The acting is brilliant, the story is beautiful and moving, and the music is wonderful. A must see, I loved it.\"}",
            System.Text.Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
        string answer = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, answer);
        using var json = System.Text.Json.JsonDocument.Parse(answer);
        float served = json.RootElement.GetProperty("probabilities")[1].GetSingle();
        Assert.Equal("positive", json.RootElement.GetProperty("label").GetString());
        Assert.Contains(served.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), positive.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The processes report their compilers and kernels: on x64 the v3 build runs Vector256 with FMA, the build chosen
    /// at start-up Vector512 where the CPU has AVX-512, and the JIT the widest this machine has. On an AVX-512 host the
    /// v3 build and the others run different kernels, and must still agree.
    /// </summary>
    private void AssertRuntimes(SampleRun v3, SampleRun fleet, SampleRun jit)
    {
        Assert.Contains(", NativeAOT, ", Line(v3, "Runtime: "), StringComparison.Ordinal);
        Assert.Contains(", NativeAOT, ", Line(fleet, "Runtime: "), StringComparison.Ordinal);
        Assert.Contains(", JIT, ", Line(jit, "Runtime: "), StringComparison.Ordinal);
        log.WriteLine($"NativeAOT x86-64-v3 {Line(v3, "SIMD: ")}; chosen at start-up {Line(fleet, "SIMD: ")}; JIT {Line(jit, "SIMD: ")}");
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Equal("SIMD: Vector512 off, Vector256 on, Vector128 on, FMA on", Line(v3, "SIMD: "));
            Assert.Equal($"SIMD: Vector512 {(HostCpu.HasAvx512 ? "on" : "off")}, Vector256 on, Vector128 on, FMA on", Line(fleet, "SIMD: "));
            Assert.Equal($"SIMD: Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}, Vector256 on, Vector128 on, FMA on", Line(jit, "SIMD: "));
        }
    }

    private static string Line(SampleRun run, string prefix) =>
        run.Output.Split('\n').Select(static line => line.TrimEnd('\r')).FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No '{prefix}' line:\n{run}");

    private static string WithoutRuntimeLines(string output) =>
        string.Join('\n', output.Split('\n').Where(static line => !line.StartsWith("Runtime: ", StringComparison.Ordinal) && !line.StartsWith("SIMD: ", StringComparison.Ordinal)));

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

/// <summary>The test classes that share one NativeAOT publish of the sample.</summary>
[CollectionDefinition(nameof(PublishedSampleCollection))]
public sealed class PublishedSampleCollection : ICollectionFixture<PublishedSample>
{
}

/// <summary>
/// samples/ImdbSentiment published with NativeAOT by build/publish-aot.sh --fleet (x86-64-v3 and x86-64-v4 beside it),
/// once for the tests of a collection, into a temporary
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
        log.WriteLine($"build/publish-aot.sh took {elapsed.TotalSeconds:F0} s (the first test of the collection publishes; the others reuse it):\n{run.Output}");
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
            Path.Combine(root, "build", "publish-aot.sh"), Path.Combine(_temp.Path, "publish"), "--fleet",
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

    internal static string RepositoryRoot()
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
