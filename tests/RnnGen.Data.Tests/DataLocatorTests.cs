using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class DataLocatorTests
{
    /// <summary>Every kind of place holds data, so each test removes the winners to see who comes next.</summary>
    private sealed class Places : IDisposable
    {
        private readonly TempFolder _temp = new();

        public Places()
        {
            Explicit = TinyImdb.WriteArchive(_temp, "explicit.tar.gz");
            Directory.CreateDirectory(_temp.Combine("env"));
            Environment = TinyImdb.WriteArchive(_temp, Path.Combine("env", DataLocator.LabeledArchiveName));
            Directory.CreateDirectory(_temp.Combine("root", "shared", "data", "imdb"));
            Shared = TinyImdb.WriteArchive(_temp, Path.Combine("root", "shared", "data", "imdb", DataLocator.LabeledArchiveName));
            SearchStart = _temp.Combine("root", "repo", "tests", "bin", "Debug");
            Directory.CreateDirectory(SearchStart);
            Cache = _temp.Combine("cache");
            Directory.CreateDirectory(Cache);
            CachedArchive = TinyImdb.WriteArchive(_temp, Path.Combine("cache", DataLocator.OriginalArchiveName));
        }

        public string Explicit { get; }

        public string Environment { get; }

        public string Shared { get; }

        public string SearchStart { get; }

        public string Cache { get; }

        public string CachedArchive { get; }

        public string Combine(params string[] parts) => _temp.Combine(parts);

        public void Dispose() => _temp.Dispose();
    }

    [Fact]
    public void An_explicit_path_comes_first()
    {
        using var places = new Places();

        DataLocation? found = new DataLocator(places.Environment, [places.SearchStart]).Find(places.Explicit, places.Cache);

        Assert.Equal(new DataLocation(places.Explicit, DataOrigin.ExplicitPath), found);
    }

    [Fact]
    public void The_environment_variable_comes_second_and_may_name_a_folder_holding_an_archive()
    {
        using var places = new Places();

        DataLocation? found = new DataLocator(Path.GetDirectoryName(places.Environment), [places.SearchStart]).Find(null, places.Cache);

        Assert.Equal(new DataLocation(places.Environment, DataOrigin.EnvironmentVariable), found);
    }

    [Fact]
    public void The_shared_folder_is_found_above_a_search_start_third()
    {
        using var places = new Places();

        DataLocation? found = new DataLocator(environmentPath: "", [places.Combine("elsewhere"), places.SearchStart]).Find("", places.Cache);

        Assert.Equal(new DataLocation(places.Shared, DataOrigin.SharedFolder), found);
    }

    [Fact]
    public void The_cache_folder_comes_last()
    {
        using var places = new Places();
        File.Delete(places.Shared);

        DataLocation? found = new DataLocator(null, [places.SearchStart]).Find(null, places.Cache);

        Assert.Equal(new DataLocation(places.CachedArchive, DataOrigin.Cache), found);
    }

    [Fact]
    public void The_cache_prefers_the_labeled_archive_and_accepts_an_extracted_folder()
    {
        using var temp = new TempFolder();
        var locator = new DataLocator(null, []);
        string labeled = TinyImdb.WriteArchive(temp, DataLocator.LabeledArchiveName);
        TinyImdb.WriteArchive(temp, DataLocator.OriginalArchiveName);

        Assert.Equal(labeled, locator.Find(null, temp.Path)!.Path);

        using var extracted = new TempFolder();
        TinyImdb.WriteFolder(extracted.Path, TinyImdb.Entries());
        Assert.Equal(new DataLocation(extracted.Path, DataOrigin.Cache), locator.Find(null, extracted.Path));
    }

    [Fact]
    public void Nothing_anywhere_gives_null_and_load_without_download_explains_where_it_looked()
    {
        using var temp = new TempFolder();
        var locator = new DataLocator(null, [temp.Path]);

        Assert.Null(locator.Find(null, temp.Combine("cache")));
        var error = Assert.Throws<ImdbDataException>(() => ImdbDataset.Load(
            new ImdbOptions { Locator = locator, CacheFolder = temp.Combine("cache"), AllowDownload = false, Log = null }));
        Assert.Contains(DataLocator.EnvironmentVariable, error.Message);
        Assert.Contains(temp.Combine("cache"), error.Message);
        Assert.Contains("AllowDownload", error.Message);
    }

    [Fact]
    public void A_given_path_that_holds_no_data_is_an_error_not_a_fallthrough()
    {
        using var places = new Places();
        var locator = new DataLocator(places.Combine("missing-env"), [places.SearchStart]);

        Assert.Contains(places.Combine("typo"), Assert.Throws<ImdbDataException>(() => locator.Find(places.Combine("typo"), places.Cache)).Message);
        Assert.Contains(DataLocator.EnvironmentVariable, Assert.Throws<ImdbDataException>(() => locator.Find(null, places.Cache)).Message);
        Assert.Contains(places.SearchStart, Assert.Throws<ImdbDataException>(() => locator.Find(places.SearchStart, places.Cache)).Message);
    }

    [Fact]
    public void An_explicit_folder_may_be_aclImdb_or_its_parent()
    {
        using var temp = new TempFolder();
        TinyImdb.WriteFolder(temp.Path, TinyImdb.Entries());
        var locator = new DataLocator(null, []);

        Assert.Equal(temp.Path, locator.Find(temp.Path, temp.Path)!.Path);
        Assert.Equal(temp.Combine("aclImdb"), locator.Find(temp.Combine("aclImdb"), temp.Path)!.Path);
    }

    [Fact]
    public void The_default_cache_folder_follows_xdg_cache_home_or_local_application_data()
    {
        string folder = DataLocator.DefaultCacheFolder();
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string expected = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "RnnGen", "datasets")
            : Path.Combine(xdg, "rnngen", "datasets");

        Assert.Equal(expected, folder);
    }
}
