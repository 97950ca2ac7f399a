namespace RnnGen.Data;

/// <summary>Where <see cref="DataLocator.Find"/> found the IMDB data.</summary>
public enum DataOrigin
{
    /// <summary>The path given in <see cref="ImdbOptions.DataPath"/>.</summary>
    ExplicitPath,

    /// <summary>The path in the <c>RNNGEN_DATA</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary><c>shared/data/imdb/aclImdb_v1-labeled.tar.gz</c> in the current directory or the application's, or above them.</summary>
    SharedFolder,

    /// <summary>The per-user cache folder.</summary>
    Cache,

    /// <summary>Downloaded into the cache folder by this load.</summary>
    Download,
}

/// <summary>A file or folder holding the IMDB data, and where it was found.</summary>
public sealed record DataLocation(string Path, DataOrigin Origin);

/// <summary>
/// Finds the IMDB data, in this order: an explicit path (file or folder), the <c>RNNGEN_DATA</c> environment variable,
/// <c>shared/data/imdb/aclImdb_v1-labeled.tar.gz</c> beside any folder above the search starts (the current directory and
/// <see cref="AppContext.BaseDirectory"/>), then the cache folder. A folder given explicitly or through the variable may be
/// <c>aclImdb</c>, the folder containing it, or a folder containing one of the archives.
/// </summary>
/// <param name="environmentPath">The value of <c>RNNGEN_DATA</c>; null or empty when unset.</param>
/// <param name="searchFrom">The folders whose ancestors are searched for <c>shared/data/imdb</c>.</param>
public sealed class DataLocator(string? environmentPath, IReadOnlyList<string> searchFrom)
{
    /// <summary>The environment variable that names the data.</summary>
    public const string EnvironmentVariable = "RNNGEN_DATA";

    /// <summary>The labeled copy of the archive, as kept in the project's shared folder.</summary>
    public const string LabeledArchiveName = "aclImdb_v1-labeled.tar.gz";

    /// <summary>The archive as Stanford publishes it.</summary>
    public const string OriginalArchiveName = "aclImdb_v1.tar.gz";

    private static readonly string s_sharedArchive = Path.Combine("shared", "data", "imdb", LabeledArchiveName);

    /// <summary>The value of <c>RNNGEN_DATA</c> this locator uses.</summary>
    public string? EnvironmentPath { get; } = string.IsNullOrEmpty(environmentPath) ? null : environmentPath;

    /// <summary>The folders whose ancestors are searched for the shared folder.</summary>
    public IReadOnlyList<string> SearchFrom { get; } = searchFrom ?? throw new ArgumentNullException(nameof(searchFrom));

    /// <summary>A locator reading this process's environment variable and searching from the current and application directories.</summary>
    public static DataLocator ForCurrentProcess() =>
        new(Environment.GetEnvironmentVariable(EnvironmentVariable), [Environment.CurrentDirectory, AppContext.BaseDirectory]);

    /// <summary>
    /// The per-user cache folder: <c>$XDG_CACHE_HOME/rnngen/datasets</c> when that variable is set, else
    /// <c>RnnGen/datasets</c> under <see cref="Environment.SpecialFolder.LocalApplicationData"/>.
    /// </summary>
    public static string DefaultCacheFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "RnnGen", "datasets")
            : Path.Combine(xdg, "rnngen", "datasets");
    }

    /// <summary>
    /// The data, or null when it is nowhere. A path that is given (explicitly or through the variable) but holds no data is an
    /// error rather than a reason to look further, so a typo never silently loads other data.
    /// </summary>
    public DataLocation? Find(string? explicitPath, string cacheFolder)
    {
        ArgumentNullException.ThrowIfNull(cacheFolder);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return new DataLocation(ResolveGivenPath(explicitPath, "The IMDB data path"), DataOrigin.ExplicitPath);
        }

        if (EnvironmentPath is not null)
        {
            return new DataLocation(ResolveGivenPath(EnvironmentPath, $"The {EnvironmentVariable} path"), DataOrigin.EnvironmentVariable);
        }

        foreach (string start in SearchFrom)
        {
            for (DirectoryInfo? folder = new(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, s_sharedArchive);
                if (File.Exists(candidate))
                {
                    return new DataLocation(candidate, DataOrigin.SharedFolder);
                }
            }
        }

        return FindInFolder(cacheFolder) is string cached ? new DataLocation(cached, DataOrigin.Cache) : null;
    }

    /// <summary>A description of the places <see cref="Find"/> searches, for the error when it finds nothing.</summary>
    public string DescribeSearch(string cacheFolder) =>
        $"{EnvironmentVariable} is {(EnvironmentPath is null ? "unset" : $"'{EnvironmentPath}'")}; " +
        $"no {s_sharedArchive} above {string.Join(" or ", SearchFrom.Select(s => $"'{s}'"))}; " +
        $"no {LabeledArchiveName}, {OriginalArchiveName} or aclImdb folder in the cache folder '{cacheFolder}'";

    private static string ResolveGivenPath(string path, string what)
    {
        if (File.Exists(path))
        {
            return path;
        }

        if (!Directory.Exists(path))
        {
            throw new ImdbDataException($"{what} '{path}' does not exist.");
        }

        return FindInFolder(path) ?? throw new ImdbDataException(
            $"{what} '{path}' is a folder with neither an extracted dataset (aclImdb, or train and test folders) nor {LabeledArchiveName} or {OriginalArchiveName}.");
    }

    /// <summary>An extracted dataset in <paramref name="folder"/>, else one of the archives in it.</summary>
    private static string? FindInFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        if (ImdbReader.IsRootFolder(folder) || Directory.Exists(Path.Combine(folder, "aclImdb")))
        {
            return folder;
        }

        return new[] { LabeledArchiveName, OriginalArchiveName }
            .Select(name => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
