using System.Text;
using RnnGen.Data;

namespace RnnGen.Data.Tests;

public sealed class ImdbReaderTests
{
    private static readonly string[] s_trainPaths =
    [
        "aclImdb/train/neg/0_2.txt", "aclImdb/train/neg/1_1.txt", "aclImdb/train/neg/3_4.txt",
        "aclImdb/train/pos/0_9.txt", "aclImdb/train/pos/10_8.txt", "aclImdb/train/pos/2_7.txt",
    ];

    [Fact]
    public void Reads_only_labeled_reviews_from_an_archive_sorted_by_path()
    {
        using var temp = new TempFolder();
        string archive = TinyImdb.WriteArchive(temp);

        ImdbReviews reviews = ImdbReader.ReadArchive(archive);

        Assert.Equal(s_trainPaths, reviews.Train.Select(r => r.Path));
        Assert.Equal([0, 0, 0, 1, 1, 1], reviews.Train.Select(r => r.Label));
        Assert.Equal(["aclImdb/test/neg/0_3.txt", "aclImdb/test/pos/0_10.txt"], reviews.Test.Select(r => r.Path));
        Assert.Equal([0, 1], reviews.Test.Select(r => r.Label));
        Assert.Equal("Great! A classic, a masterpiece.", reviews.Test[1].Text);
        Assert.DoesNotContain(reviews.Train.Concat(reviews.Test), r => r.Text.Contains("zebra", StringComparison.Ordinal));
    }

    [Fact]
    public void Order_does_not_depend_on_the_order_of_tar_entries()
    {
        using var temp = new TempFolder();
        string sorted = temp.Combine("sorted.tar.gz");
        string reversed = temp.Combine("reversed.tar.gz");
        TinyImdb.WriteArchive(sorted, TinyImdb.Entries());
        TinyImdb.WriteArchive(reversed, TinyImdb.Entries().Reverse());

        ImdbReviews a = ImdbReader.ReadArchive(sorted);
        ImdbReviews b = ImdbReader.ReadArchive(reversed);

        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Test, b.Test);
    }

    [Fact]
    public void Accepts_entries_named_with_a_leading_dot_slash()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("dotted.tar.gz");
        TinyImdb.WriteArchive(archive, TinyImdb.Entries().Select(e => ("./" + e.Name, e.Data)));

        ImdbReviews reviews = ImdbReader.ReadArchive(archive);

        Assert.Equal(s_trainPaths, reviews.Train.Select(r => r.Path));
    }

    [Fact]
    public void A_folder_reads_the_same_whether_given_as_aclImdb_or_its_parent()
    {
        using var temp = new TempFolder();
        string archive = TinyImdb.WriteArchive(temp);
        string parent = temp.Combine("extracted");
        TinyImdb.WriteFolder(parent, TinyImdb.Entries());

        ImdbReviews fromArchive = ImdbReader.Read(archive);
        ImdbReviews fromParent = ImdbReader.Read(parent);
        ImdbReviews fromRoot = ImdbReader.ReadFolder(Path.Combine(parent, "aclImdb"));

        Assert.Equal(fromArchive.Train, fromParent.Train);
        Assert.Equal(fromArchive.Test, fromParent.Test);
        Assert.Equal(fromArchive.Train, fromRoot.Train);
        Assert.Equal(fromArchive.Test, fromRoot.Test);
    }

    [Fact]
    public void A_truncated_archive_is_reported_with_its_path()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("big.tar.gz");
        // Incompressible review text makes the compressed size track the data, so cutting it in half cuts a review.
        var random = new Random(7);
        var entries = Enumerable.Range(0, 40).Select(i =>
            ($"aclImdb/{(i % 2 == 0 ? "train" : "test")}/{(i % 4 < 2 ? "pos" : "neg")}/{i}_7.txt",
             Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(_ => (char)random.Next('a', 'z' + 1))))));
        TinyImdb.WriteArchive(archive, entries);
        byte[] bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));

        Assert.Contains(archive, error.Message);
        Assert.Contains("truncated or corrupt", error.Message);
    }

    [Fact]
    public void A_wrong_crc_in_the_gzip_trailer_is_reported()
    {
        using var temp = new TempFolder();
        string archive = TinyImdb.WriteArchive(temp);
        byte[] bytes = File.ReadAllBytes(archive);
        bytes[^6] ^= 0x01; // the trailer is CRC-32 (4 bytes) then the size (4 bytes)
        File.WriteAllBytes(archive, bytes);

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));

        Assert.Contains(archive, error.Message);
    }

    [Fact]
    public void Garbage_bytes_are_reported_as_a_corrupt_archive()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("garbage.tar.gz");
        File.WriteAllBytes(archive, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251))]);

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.Read(archive));

        Assert.Contains(archive, error.Message);
        Assert.Contains("truncated or corrupt", error.Message);
    }

    [Fact]
    public void Gzip_of_something_that_is_not_a_tar_is_reported()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("not-a-tar.tar.gz");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(archive), System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.ASCII.GetBytes(new string('x', 5000)));
        }

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.Read(archive));

        Assert.Contains(archive, error.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_review_names_the_entry()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("bad-utf8.tar.gz");
        TinyImdb.WriteArchive(archive, TinyImdb.Entries().Append(("aclImdb/train/pos/7_9.txt", [(byte)'o', (byte)'k', 0xFF, (byte)'!'])));

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));

        Assert.Contains(archive, error.Message);
        Assert.Contains("aclImdb/train/pos/7_9.txt", error.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    public void An_empty_review_in_an_archive_names_the_entry(string text)
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("empty.tar.gz");
        TinyImdb.WriteArchive(archive, TinyImdb.Entries().Append(("aclImdb/test/neg/9_1.txt", Encoding.UTF8.GetBytes(text))));

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));

        Assert.Contains("aclImdb/test/neg/9_1.txt", error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void An_empty_review_in_a_folder_names_the_file()
    {
        using var temp = new TempFolder();
        TinyImdb.WriteFolder(temp.Path, TinyImdb.Entries().Append(("aclImdb/train/neg/9_1.txt", Array.Empty<byte>())));

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadFolder(temp.Path));

        Assert.Contains("aclImdb/train/neg/9_1.txt", error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void A_missing_folder_is_reported()
    {
        using var temp = new TempFolder();
        string missing = temp.Combine("nowhere");

        Assert.Contains(missing, Assert.Throws<ImdbDataException>(() => ImdbReader.Read(missing)).Message);
        Assert.Contains(missing, Assert.Throws<ImdbDataException>(() => ImdbReader.ReadFolder(missing)).Message);
        Assert.Contains(temp.Path, Assert.Throws<ImdbDataException>(() => ImdbReader.ReadFolder(temp.Path)).Message);
    }

    [Fact]
    public void A_missing_split_folder_is_named()
    {
        using var temp = new TempFolder();
        TinyImdb.WriteFolder(temp.Path, TinyImdb.Entries().Where(e => !e.Name.StartsWith("aclImdb/test/neg/", StringComparison.Ordinal)));

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadFolder(temp.Path));

        Assert.Contains("test/neg", error.Message);
    }

    [Fact]
    public void An_archive_without_one_of_the_four_folders_is_named()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("no-train-pos.tar.gz");
        TinyImdb.WriteArchive(archive, TinyImdb.Entries().Where(e => !e.Name.StartsWith("aclImdb/train/pos/", StringComparison.Ordinal)));

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));

        Assert.Contains(archive, error.Message);
        Assert.Contains("aclImdb/train/pos", error.Message);
    }
}
