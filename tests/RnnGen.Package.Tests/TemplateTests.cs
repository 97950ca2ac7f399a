using System.Text.Json;
using Xunit.Abstractions;

namespace RnnGen.Package.Tests;

/// <summary>
/// <c>dotnet new rnngen-classifier</c> as a newcomer uses it, outside the repository: install the template package, create
/// a project with options, train it on a folder of three classes, evaluate, predict, and publish it with NativeAOT; the
/// native binary predicts what the JIT build predicts.
/// </summary>
public sealed class TemplateTests(PackageFixture package, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    [Fact]
    public async Task A_project_from_the_template_trains_on_three_classes_predicts_and_publishes_with_NativeAOT()
    {
        string feed = Path.Combine(package.Root, "templates");
        CommandResult pack = await DotNetCli.RunAsync(
            package.RepositoryRoot, null, "pack", Path.Combine(package.RepositoryRoot, "src", "RnnGen.Templates", "RnnGen.Templates.csproj"),
            "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(package.Root, "template-artifacts"), "--disable-build-servers");
        Assert.True(pack.Succeeded, pack.Report());
        string hive = Path.Combine(package.Root, "hive");
        CommandResult install = await DotNetCli.RunAsync(package.Root, package.NewcomerEnvironment, "new", "install", Directory.GetFiles(feed, "*.nupkg").Single(), "--debug:custom-hive", hive);
        Assert.True(install.Succeeded, install.Report());

        string project = Path.Combine(package.Root, "Tickets");
        CommandResult created = await DotNetCli.RunAsync(
            package.Root, package.NewcomerEnvironment, "new", "rnngen-classifier", "-n", "Tickets", "-o", project,
            "--cell", "Gru", "--classes", "3", "--seq-len", "12", "--vocab", "300", "--rnngen-version", package.PackageVersion, "--debug:custom-hive", hive);
        Assert.True(created.Succeeded, created.Report());
        Assert.Contains("[RnnModel(Vocab = 300, Embed = 64, Units = 64, SeqLen = 12, Cell = RnnCell.Gru, Classes = 3, MaskZero = true)]", File.ReadAllText(Path.Combine(project, "TextModel.cs")), StringComparison.Ordinal);
        WriteCorpus(Path.Combine(project, "data"), new Random(17), 900);

        CommandResult build = await package.BuildAsync(project);
        Assert.True(build.Succeeded, build.Report());
        CommandResult train = await Run(project, "train", "data", "--epochs", "15");
        Assert.Contains("900 texts in 3 classes (accounts, billing, shipping)", train.StandardOutput, StringComparison.Ordinal);
        double accuracy = double.Parse(train.StandardOutput.Split("Validation accuracy: ")[1][..6], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9, train.Report());

        CommandResult evaluate = await Run(project, "evaluate", "data");
        Assert.Contains("on 900 texts", evaluate.StandardOutput, StringComparison.Ordinal);

        string[] tickets = ["refund the invoice please", "my password reset link fails", "the courier lost the parcel"];
        File.WriteAllLines(Path.Combine(project, "tickets.txt"), tickets);
        CommandResult predict = await Run(project, "predict", "tickets.txt");
        string[] lines = predict.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["billing", "accounts", "shipping"], lines.Select(static l => JsonDocument.Parse(l).RootElement.GetProperty("label").GetString()));

        CommandResult publish = await DotNetCli.RunAsync(project, package.NewcomerEnvironment, "publish", "-c", "Release", "-r", "linux-x64", "-p:TreatWarningsAsErrors=true", "--disable-build-servers");
        Assert.True(publish.Succeeded, publish.Report());
        Assert.Contains("RnnGen: NativeAOT for x86-64-v3", publish.StandardOutput, StringComparison.Ordinal);
        string native = Path.Combine(project, "bin", "Release", "net10.0", "linux-x64", "publish", "Tickets");
        File.Copy(Path.Combine(project, "tickets.txt"), Path.Combine(Path.GetDirectoryName(native)!, "tickets.txt"));
        CopyFolder(Path.Combine(project, "model"), Path.Combine(Path.GetDirectoryName(native)!, "model"));
        CommandResult nativePredict = await DotNetCli.RunProgramAsync(native, "predict", "tickets.txt");
        Assert.True(nativePredict.Succeeded, nativePredict.Report());
        Assert.Equal(predict.StandardOutput, nativePredict.StandardOutput); // the same weights and kernels give the same bits
        output.WriteLine(train.StandardOutput[^300..] + predict.StandardOutput);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private async Task<CommandResult> Run(string project, params string[] arguments)
    {
        CommandResult result = await DotNetCli.RunAsync(project, package.NewcomerEnvironment, ["run", "-c", "Release", "--no-build", "--", .. arguments]);
        Assert.True(result.Succeeded, result.Report());
        return result;
    }

    /// <summary>A folder per team of short tickets: two words of the team's own among shared filler.</summary>
    private static void WriteCorpus(string folder, Random random, int count)
    {
        string[] teams = ["billing", "accounts", "shipping"];
        string[][] words = [["invoice", "refund", "charged", "payment", "bill"], ["password", "login", "locked", "reset", "account"], ["parcel", "delivery", "courier", "late", "address"]];
        string[] filler = ["please", "help", "my", "is", "not", "the", "today", "hi", "thanks"];
        for (int i = 0; i < count; i++)
        {
            int team = i % 3;
            string[] text = [words[team][random.Next(5)], .. Enumerable.Range(0, random.Next(1, 6)).Select(_ => filler[random.Next(filler.Length)]), words[team][random.Next(5)]];
            string path = Path.Combine(folder, teams[team], $"{i:D4}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Join(' ', text) + ".");
        }
    }
}
