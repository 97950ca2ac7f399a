using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text;
using RnnGen.Data;

namespace RnnGen.Data.Tests;

/// <summary>A folder under the temp directory, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>A small dataset in the aclImdb layout, written by the tests themselves as a tar.gz or as a folder.</summary>
internal static class TinyImdb
{
    public static readonly (string Name, string Text)[] Reviews =
    [
        ("aclImdb/train/pos/0_9.txt", "A great film. Great acting!<br /><br />Loved it."),
        ("aclImdb/train/pos/10_8.txt", "Great fun, great cast."),
        ("aclImdb/train/pos/2_7.txt", "The cast is great; the film is fun."),
        ("aclImdb/train/neg/0_2.txt", "A dull film; the plot was dull."),
        ("aclImdb/train/neg/1_1.txt", "Bad. Really bad acting."),
        ("aclImdb/train/neg/3_4.txt", "The plot? Bad, bad, bad."),
        ("aclImdb/test/pos/0_10.txt", "Great! A classic, a masterpiece."),
        ("aclImdb/test/neg/0_3.txt", "Dull and bad, unwatchable."),
    ];

    /// <summary>Entries of the original archive that are not labeled reviews; the word "zebra" appears only in them.</summary>
    public static readonly (string Name, string Text)[] Distractors =
    [
        ("aclImdb/README", "Large Movie Review Dataset zebra"),
        ("aclImdb/imdb.vocab", "zebra\nthe\n"),
        ("aclImdb/imdbEr.txt", "0.1 zebra"),
        ("aclImdb/train/unsup/0_0.txt", "An unlabeled zebra review."),
        ("aclImdb/train/labeledBow.feat", "9 0:1 zebra"),
        ("aclImdb/train/urls_pos.txt", "http://www.imdb.com/title/zebra/"),
        ("aclImdb/test/urls_neg.txt", "http://www.imdb.com/title/zebra/"),
        ("aclImdb/train/pos/notes.md", "zebra"),
        ("other/train/pos/5_9.txt", "zebra zebra"),
    ];

    public static IEnumerable<(string Name, byte[] Data)> Entries(bool withDistractors = true) =>
        (withDistractors ? Reviews.Concat(Distractors) : Reviews).Select(e => (e.Name, Encoding.UTF8.GetBytes(e.Text)));

    public static void WriteArchive(string path, IEnumerable<(string Name, byte[] Data)> entries)
    {
        using FileStream file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        var folders = new HashSet<string>();
        foreach ((string name, byte[] data) in entries)
        {
            for (int slash = name.IndexOf('/'); slash > 0; slash = name.IndexOf('/', slash + 1))
            {
                if (folders.Add(name[..(slash + 1)]))
                {
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name[..(slash + 1)]));
                }
            }

            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
    }

    public static string WriteArchive(TempFolder folder, string fileName = "aclImdb_v1.tar.gz", bool withDistractors = true)
    {
        string path = folder.Combine(fileName);
        WriteArchive(path, Entries(withDistractors));
        return path;
    }

    public static void WriteFolder(string root, IEnumerable<(string Name, byte[] Data)> entries)
    {
        foreach ((string name, byte[] data) in entries)
        {
            string path = Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, data);
        }
    }

    /// <summary>Options for loading test data: no searching, no download, no console output.</summary>
    public static ImdbOptions Options(string dataPath, string cacheFolder, TextWriter? log = null) => new()
    {
        DataPath = dataPath,
        CacheFolder = cacheFolder,
        AllowDownload = false,
        SeqLen = 6,
        NumWords = 12,
        Locator = new DataLocator(environmentPath: null, searchFrom: []),
        Log = log,
    };
}

/// <summary>Serves fixed bytes (or a status code) for any request, counting the requests; it never touches the network.</summary>
internal sealed class FakeHandler(byte[] body, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
{
    public int Requests { get; private set; }

    public Uri? LastUri { get; private set; }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        LastUri = request.RequestUri;
        return new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));
}
