using System.Net;
using System.Security.Cryptography;
using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class DownloaderTests
{
    private static readonly Uri s_uri = new("https://example.invalid/aclImdb_v1.tar.gz");

    private static byte[] TinyArchiveBytes()
    {
        using var temp = new TempFolder();
        return File.ReadAllBytes(TinyImdb.WriteArchive(temp));
    }

    [Fact]
    public void Load_downloads_when_the_data_is_nowhere_and_uses_the_download_afterwards()
    {
        using var temp = new TempFolder();
        byte[] archive = TinyArchiveBytes();
        var handler = new FakeHandler(archive);
        var log = new StringWriter();
        var options = new ImdbOptions
        {
            Locator = new DataLocator(null, []),
            CacheFolder = temp.Combine("cache"),
            Download = new DownloadSource(s_uri, Convert.ToHexStringLower(SHA256.HashData(archive)), DataLocator.OriginalArchiveName),
            HttpHandler = handler,
            SeqLen = 6,
            Log = log,
        };

        ImdbDataset downloaded = ImdbDataset.Load(options);
        ImdbDataset again = ImdbDataset.Load(options);

        Assert.Equal(DataOrigin.Download, downloaded.Source!.Origin);
        Assert.Equal(temp.Combine("cache", DataLocator.OriginalArchiveName), downloaded.Source.Path);
        Assert.Equal(archive, File.ReadAllBytes(downloaded.Source.Path));
        Assert.Equal(6, downloaded.Train.Count);
        Assert.Equal(s_uri, handler.LastUri);
        Assert.Contains("100%", log.ToString());
        Assert.Equal(1, handler.Requests);
        Assert.Equal(DataOrigin.Cache, again.Source!.Origin);
        Assert.True(again.LoadedFromCache);
    }

    [Fact]
    public void A_checksum_mismatch_is_rejected_and_leaves_no_file()
    {
        using var temp = new TempFolder();
        var handler = new FakeHandler(TinyArchiveBytes());
        var source = new DownloadSource(s_uri, DownloadSource.Original.Sha256, DataLocator.OriginalArchiveName);

        var error = Assert.Throws<ImdbDataException>(() => ImdbDownloader.Download(source, temp.Path, handler));

        Assert.Contains("SHA-256", error.Message);
        Assert.Contains(DownloadSource.Original.Sha256, error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public void An_http_error_is_reported_and_leaves_no_file()
    {
        using var temp = new TempFolder();
        var handler = new FakeHandler([], HttpStatusCode.NotFound);
        var source = new DownloadSource(s_uri, DownloadSource.Original.Sha256, DataLocator.OriginalArchiveName);

        var error = Assert.Throws<ImdbDataException>(() => ImdbDownloader.Download(source, temp.Path, handler));

        Assert.Contains("404", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void AllowDownload_false_never_sends_a_request()
    {
        using var temp = new TempFolder();
        var handler = new FakeHandler(TinyArchiveBytes());

        Assert.Throws<ImdbDataException>(() => ImdbDataset.Load(new ImdbOptions
        {
            Locator = new DataLocator(null, []),
            CacheFolder = temp.Path,
            AllowDownload = false,
            HttpHandler = handler,
            Log = null,
        }));

        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public void The_original_archive_is_the_default_download()
    {
        Assert.Equal("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz", DownloadSource.Original.Uri.ToString());
        Assert.Equal("c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe", DownloadSource.Original.Sha256);
        Assert.Equal(DownloadSource.Original, new ImdbOptions().Download);
    }
}
