using RnnGen.IO;

namespace RnnGen.Data.Tests;

/// <summary>
/// AtomicFile, which every file RnnGen replaces goes through (checkpoints, vocabulary, the encoded cache, the sample's
/// model.json): a failure mid-write keeps the previous file and leaves no temporary behind. (That the bytes are
/// flushed to the disk before the rename shows only after a power loss; it is one call, Flush(flushToDisk: true).)
/// </summary>
public class AtomicFileTests
{
    [Fact]
    public void A_write_that_fails_halfway_keeps_the_previous_file_and_leaves_no_temporary()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("vocabulary.txt");
        AtomicFile.WriteAllLines(path, ["the", "and"]);

        IEnumerable<string> Failing()
        {
            yield return "a";
            throw new IOException("disk full");
        }

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllLines(path, Failing()));

        Assert.Equal("disk full", error.Message);
        Assert.Equal("the\nand\n", File.ReadAllText(path).ReplaceLineEndings("\n"));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_complete_write_replaces_the_file()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("model.json");
        AtomicFile.WriteAllText(path, "{\"a\":1}");
        AtomicFile.WriteAllText(path, "{\"b\":2}");

        Assert.Equal("{\"b\":2}", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }
}
