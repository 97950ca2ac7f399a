using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace RnnGen.Package.Tests;

/// <summary>
/// The package as a new user meets it: its files, then a console project that adds it from a local folder, declares a
/// model, trains it and builds with warnings as errors, then a mistake in the attribute that must fail the build.
/// </summary>
public sealed class NewcomerTests(PackageFixture package, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    [Fact]
    public void PackageHoldsTheRuntimeTheGeneratorAndTheReadme()
    {
        IReadOnlyList<string> files = package.PackageFiles();
        string listing = $"{package.PackagePath}:\n  {string.Join("\n  ", files)}";
        output.WriteLine(listing);

        Assert.True(files.Contains("lib/net10.0/RnnGen.dll"), listing);
        Assert.True(files.Contains("PACKAGE.md"), listing);
        foreach (string folder in new[] { "build", "buildTransitive" })
        {
            Assert.True(files.Contains($"{folder}/RnnGen.targets") && files.Contains($"{folder}/rnngen_cpu_guard.c"), "NativeAOT defaults and guard:\n" + listing);
        }

        string[] analyzers = files.Where(static f => f.StartsWith("analyzers/", StringComparison.Ordinal)).ToArray();
        Assert.True(analyzers is ["analyzers/dotnet/cs/RnnGen.Generator.dll"], "The generator alone, without its Roslyn dependencies:\n" + listing);
        Assert.DoesNotContain(files, static f => f.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));

        XElement metadata = package.ReadNuspec().Root!.Element(PackageFixture.Nuspec("metadata"))!;
        string nuspec = metadata.ToString();
        Assert.True(metadata.Element(PackageFixture.Nuspec("readme"))?.Value == "PACKAGE.md", nuspec);
        Assert.True(metadata.Element(PackageFixture.Nuspec("license"))?.Value == "MIT", nuspec);
        string[] dependencies = metadata.Descendants(PackageFixture.Nuspec("dependency")).Select(static d => (string)d.Attribute("id")!).ToArray();
        Assert.True(dependencies.Contains("System.Numerics.Tensors"), nuspec);
        Assert.True(dependencies.Contains("Sep"), nuspec); // the CSV reader of TextData
        Assert.False(dependencies.Any(static d => d.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)), nuspec);
        Assert.False(dependencies.Contains("RnnGen.Generator"), nuspec);
    }

    [Fact]
    public async Task NewProjectTrainsAModelFromThePackage()
    {
        string project = await package.CreateConsoleProjectAsync("Newcomer");
        File.WriteAllText(Path.Combine(project, "TinyClassifier.cs"), """
            using RnnGen;

            namespace Newcomer;

            [RnnModel(Vocab = 100, Embed = 8, Units = 16, SeqLen = 10)]
            public partial class TinyClassifier
            {
            }
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using System.Globalization;
            using Newcomer;
            using RnnGen;
            using RnnGen.Optimizers;

            // One batch of random tokens and labels, learnt by heart: 20 Adam steps must lower its loss.
            const int Batch = 32;
            var random = new Random(1234);
            var tokens = new int[Batch * TinyClassifier.SeqLen];
            var labels = new float[Batch];
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = random.Next(1, TinyClassifier.Vocab);
            }

            for (int b = 0; b < Batch; b++)
            {
                labels[b] = random.Next(2);
            }

            var model = new TinyClassifier(seed: 7);
            var optimizer = new Adam(learningRate: 1e-2f);
            float before = model.ComputeGradients(tokens, labels);
            for (int step = 0; step < 20; step++)
            {
                model.TrainStep(tokens, labels, optimizer);
            }

            float after = model.ComputeGradients(tokens, labels);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss before: {before:F4}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss after: {after:F4}"));
            Console.Write(model.Summary());
            """);

        CommandResult build = await package.BuildAsync(project);
        Assert.True(build.Succeeded, build.Report());
        CommandResult run = await DotNetCli.RunAsync(project, package.NewcomerEnvironment, "run", "-c", "Release", "--no-build");
        Assert.True(run.Succeeded, run.Report());
        output.WriteLine(run.StandardOutput);
        output.WriteLine($"build {build.Elapsed.TotalSeconds:F1} s, run {run.Elapsed.TotalSeconds:F1} s");

        float before = Loss(run, "before");
        float after = Loss(run, "after");
        Assert.True(float.IsFinite(before) && after < before, $"The loss did not fall ({before} -> {after}).\n{run.Report()}");

        // Embedding 100·8, SimpleRNN 8·16 + 16·16 + 16, Dense 16 + 1.
        const int total = (100 * 8) + ((8 * 16) + (16 * 16) + 16) + (16 + 1);
        string[] lines = run.StandardOutput.Split('\n').Select(static l => l.TrimEnd('\r')).ToArray();
        Assert.True(lines.Contains("Model: \"TinyClassifier\""), run.Report());
        Assert.True(lines.Contains($"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)}"), run.Report());
    }

    /// <summary>The README's "your own text" lines, as a newcomer pastes them: a CSV of three classes in, a folder out, raw text predicted.</summary>
    [Fact]
    public async Task NewProjectTrainsOnItsOwnCsvOfThreeClassesAndPredictsFromTheSavedFolder()
    {
        string project = await package.CreateConsoleProjectAsync("OwnData");
        var random = new Random(11);
        string[][] words = [["invoice", "refund", "charged", "payment"], ["password", "login", "locked", "reset"], ["parcel", "delivery", "courier", "late"]];
        string[] teams = ["billing", "accounts", "shipping"];
        var csv = new System.Text.StringBuilder("text,team\n");
        for (int i = 0; i < 600; i++)
        {
            int team = random.Next(3);
            string filler = string.Join(' ', Enumerable.Range(0, random.Next(2, 6)).Select(_ => new[] { "please", "help", "my", "is", "not", "the", "today" }[random.Next(7)]));
            csv.Append('"').Append(words[team][random.Next(4)]).Append(", ").Append(filler).Append(' ').Append(words[team][random.Next(4)]).Append("\",").Append(teams[team]).Append('\n');
        }

        File.WriteAllText(Path.Combine(project, "tickets.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using RnnGen;
            using RnnGen.Data;
            using RnnGen.Optimizers;
            using RnnGen.Serving;
            using RnnGen.Text;
            using RnnGen.Training;

            LabeledTexts data = TextData.FromCsv("tickets.csv", textColumn: "text", labelColumn: "team");
            var text = TextVectorizer.Adapt(data.Texts, maxTokens: Tickets.Vocab, sequenceLength: Tickets.SeqLen);
            var model = new Tickets();
            model.Fit(data.Encode(text), epochs: 10, batchSize: 32, new Adam(1e-2f), validationSplit: 0.2, verbose: 0);
            TextClassifier.Create(model, text, data.ClassNames).Save("out/tickets");

            TextClassifier loaded = TextClassifier.Load("out/tickets", new Tickets());
            foreach (string ticket in new[] { "I was charged twice, refund please", "locked out, password reset fails", "courier lost my parcel" })
            {
                TextPrediction prediction = loaded.Predict(ticket);
                Console.WriteLine($"{prediction.Label} {prediction.Probability:F2} {ticket}");
            }

            [RnnModel(Vocab = 100, Embed = 16, Units = 16, SeqLen = 12, Cell = RnnCell.Gru, Classes = 3)]
            public partial class Tickets { }
            """);

        CommandResult build = await package.BuildAsync(project);
        Assert.True(build.Succeeded, build.Report());
        CommandResult run = await DotNetCli.RunAsync(project, package.NewcomerEnvironment, "run", "-c", "Release", "--no-build");
        output.WriteLine(run.StandardOutput);
        Assert.True(run.Succeeded, run.Report());
        string[] labels = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => l.Split(' ')[0]).ToArray();
        Assert.True(labels is ["billing", "accounts", "shipping"], run.Report());
        Assert.True(File.Exists(Path.Combine(project, "out", "tickets", "vocabulary.txt")), run.Report());
    }

    [Fact]
    public async Task MistakeInTheAttributeFailsTheBuildWithItsDiagnostic()
    {
        string project = await package.CreateConsoleProjectAsync("Mistaken");
        File.WriteAllText(Path.Combine(project, "BrokenModel.cs"), """
            using RnnGen;

            namespace Mistaken;

            [RnnModel(Vocab = 100, Embed = 8, Units = 0, SeqLen = 10)]
            public partial class BrokenModel
            {
            }
            """);

        // Uses no generated member, so that the generator's error is the build's only one.
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            Console.WriteLine(typeof(Mistaken.BrokenModel).Name);
            """);

        CommandResult build = await package.BuildAsync(project);
        Assert.False(build.Succeeded, "The build should have failed:\n" + build.Report());
        string[] errors = build.StandardOutput.Split('\n').Where(static l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToArray();
        Assert.True(errors.Length > 0, build.Report());
        Assert.True(
            errors.All(static e => e.Contains("BrokenModel.cs(5,", StringComparison.Ordinal) && e.Contains("error RNNG0003: Units must be a positive number, but it is 0", StringComparison.Ordinal)),
            "Expected only RNNG0003 on the attribute line:\n" + build.Report());
    }

    /// <summary>
    /// PublishAot in a newcomer's project, for x64: the package makes x86-64-v3 the instruction set (not .NET's default
    /// without AVX2 and FMA, which trains about 20x slower), says so in the publish output, and links the start-up guard;
    /// the binary runs Vector256 kernels with FMA and trains as the JIT build does, bit for bit.
    /// </summary>
    [Fact]
    public async Task NativeAotPublishOfANewProjectIsFastByDefaultAndSaysSo()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Fail("This test publishes for linux-x64 and must run on it.");
        }

        string project = await package.CreateConsoleProjectAsync("Published");
        string csproj = Path.Combine(project, "Published.csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("</PropertyGroup>", "  <PublishAot>true</PublishAot>\n  </PropertyGroup>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(project, "TinyClassifier.cs"), """
            using RnnGen;

            namespace Published;

            [RnnModel(Vocab = 50, Embed = 8, Units = 16, SeqLen = 6, Cell = RnnCell.Gru)]
            public partial class TinyClassifier
            {
            }
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using System.Runtime.Intrinsics;
            using Published;
            using RnnGen;
            using RnnGen.Optimizers;

            var tokens = new int[40 * TinyClassifier.SeqLen];
            var labels = new float[40];
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = (i * 7) % TinyClassifier.Vocab;
            }

            for (int b = 0; b < labels.Length; b++)
            {
                labels[b] = b % 2;
            }

            var model = new TinyClassifier(seed: 3);
            var optimizer = new Adam(learningRate: 1e-2f);
            for (int step = 0; step < 10; step++)
            {
                model.TrainStep(tokens, labels, optimizer);
            }

            Console.WriteLine($"Vector256 {Vector256.IsHardwareAccelerated}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}");
            Console.WriteLine($"weights {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.Parameters)))}");
            """);

        string publishFolder = Path.Combine(project, "aot");
        CommandResult publish = await DotNetCli.RunAsync(project, package.NewcomerEnvironment, "publish", "-c", "Release", "-r", "linux-x64", "-o", publishFolder, "-p:TreatWarningsAsErrors=true", "--disable-build-servers", "-tl:off");
        Assert.True(publish.Succeeded, publish.Report());
        Assert.Contains("RnnGen: NativeAOT for x86-64-v3", publish.StandardOutput, StringComparison.Ordinal);

        string binary = Path.Combine(publishFolder, "Published");
        CommandResult run = await DotNetCli.RunProgramAsync(binary);
        Assert.True(run.Succeeded, run.Report());
        Assert.Contains("Vector256 True, FMA True", run.StandardOutput, StringComparison.Ordinal);

        // The guard is linked in: on an emulated CPU without AVX2 (QEMU's Nehalem; test.sh installs qemu-user) the
        // binary names what is missing and exits with status 3 instead of the runtime's abort.
        CommandResult old = await DotNetCli.RunProgramAsync("qemu-x86_64", "-cpu", "Nehalem", binary);
        Assert.True(old.ExitCode == 3, old.Report());
        Assert.Contains("was built for x86-64-v3 (IlcInstructionSet), but this CPU lacks AVX, FMA", old.StandardError, StringComparison.Ordinal);

        CommandResult jit = await DotNetCli.RunAsync(project, package.NewcomerEnvironment, "run", "-c", "Release");
        Assert.True(jit.Succeeded, jit.Report());
        Assert.Equal(WeightsLine(jit), WeightsLine(run));
        output.WriteLine($"publish {publish.Elapsed.TotalSeconds:F0} s; {WeightsLine(run)} from the binary and the JIT");
    }

    private static string WeightsLine(CommandResult run) =>
        run.StandardOutput.Split('\n').Select(static l => l.TrimEnd('\r')).FirstOrDefault(static l => l.StartsWith("weights ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException("No weights line:\n" + run.Report());

    private static float Loss(CommandResult run, string which)
    {
        Match match = Regex.Match(run.StandardOutput, $@"^loss {which}: (\S+)\r?$", RegexOptions.Multiline);
        Assert.True(match.Success, $"No 'loss {which}:' line.\n{run.Report()}");
        return float.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
