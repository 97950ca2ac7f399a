using System.IO.Compression;
using System.Xml.Linq;

namespace RnnGen.Package.Tests;

/// <summary>
/// Packs src/RnnGen once for all the tests of <see cref="NewcomerTests"/>, into a fresh temporary folder outside the
/// repository that also holds the newcomer projects, their nuget.config and their private packages folder.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public PackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Root = Path.Combine(Path.GetTempPath(), "rnngen-package-tests-" + Guid.NewGuid().ToString("N")[..12]);
        if (IsUnder(Root, RepositoryRoot))
        {
            throw new InvalidOperationException($"The temporary folder {Root} is inside the repository {RepositoryRoot}; point TMPDIR elsewhere.");
        }

        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "packages");
    }

    /// <summary>The folder that holds RnnGen.sln.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The temporary folder of this run; deleted at the end.</summary>
    public string Root { get; }

    /// <summary>The local package source: the folder <c>dotnet pack -o</c> wrote to.</summary>
    public string Feed { get; }

    /// <summary>The newcomer projects' own global packages folder, so no cached RnnGen of the same version can stand in for this one.</summary>
    public string Packages { get; }

    public string PackagePath { get; private set; } = "";

    public string PackageVersion { get; private set; } = "";

    /// <summary>The environment of every command run on a newcomer project (NUGET_PACKAGES would win over nuget.config).</summary>
    public IReadOnlyDictionary<string, string> NewcomerEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);

        // The pack builds into its own artifacts folder, so it neither races the solution build for bin/ and obj/
        // nor packs whatever an earlier build left there.
        CommandResult pack = await DotNetCli.RunAsync(
            RepositoryRoot,
            environment: null,
            "pack", Path.Combine(RepositoryRoot, "src", "RnnGen", "RnnGen.csproj"),
            "-c", "Release",
            "-o", Feed,
            "--artifacts-path", Path.Combine(Root, "artifacts"),
            "--disable-build-servers");
        if (!pack.Succeeded)
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + pack.Report());
        }

        string[] packages = Directory.GetFiles(Feed, "RnnGen.*.nupkg");
        if (packages.Length != 1)
        {
            throw new InvalidOperationException($"Expected one RnnGen package in {Feed}, found: {string.Join(", ", packages)}\n{pack.Report()}");
        }

        PackagePath = packages[0];
        PackageVersion = ReadNuspec().Root!.Element(Nuspec("metadata"))!.Element(Nuspec("version"))!.Value;

        // What a newcomer adds to point NuGet at a local folder. No <clear/>: the default source still serves the
        // package's dependencies (System.Numerics.Tensors).
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rnngen-local" value="{Feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Packages}" />
              </config>
            </configuration>
            """);

        // Empty, so that MSBuild's upward search for these files stops here rather than in whatever the temporary
        // folder's parents hold.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder must not fail a run that passed; it says where it is.
            Console.Error.WriteLine($"Could not delete {Root}: {e.Message}");
        }

        return Task.CompletedTask;
    }

    /// <summary>The paths of the package's files, with forward slashes.</summary>
    public IReadOnlyList<string> PackageFiles()
    {
        using ZipArchive archive = ZipFile.OpenRead(PackagePath);
        return archive.Entries.Select(static e => e.FullName).ToList();
    }

    public XDocument ReadNuspec()
    {
        using ZipArchive archive = ZipFile.OpenRead(PackagePath);
        ZipArchiveEntry entry = archive.Entries.Single(static e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream);
    }

    public static XName Nuspec(string localName) => XName.Get(localName, "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd");

    /// <summary>
    /// Creates a console project the way a newcomer does (<c>dotnet new console</c>, <c>dotnet add package</c>), in a new
    /// folder under <see cref="Root"/>, and returns that folder.
    /// </summary>
    public async Task<string> CreateConsoleProjectAsync(string name)
    {
        string project = Path.Combine(Root, name);
        CommandResult created = await DotNetCli.RunAsync(Root, NewcomerEnvironment, "new", "console", "-n", name, "-o", project, "--no-restore");
        Assert.True(created.Succeeded, created.Report());
        CommandResult added = await DotNetCli.RunAsync(project, NewcomerEnvironment, "add", "package", "RnnGen", "--version", PackageVersion);
        Assert.True(added.Succeeded, added.Report());
        return project;
    }

    public Task<CommandResult> BuildAsync(string project) =>
        DotNetCli.RunAsync(project, NewcomerEnvironment, "build", "-c", "Release", "-p:TreatWarningsAsErrors=true", "--disable-build-servers");

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RnnGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No RnnGen.sln above {AppContext.BaseDirectory}.");
    }

    private static bool IsUnder(string path, string directory)
    {
        string relative = Path.GetRelativePath(directory, path);
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
