using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using RnnGen.Data;

namespace RnnGen.Data.Tests;

/// <summary>
/// Hostile archives and folders: an entry whose header declares more bytes than any review has (the reader must not
/// allocate what a header merely claims), a review above the size cap, and one path twice.
/// </summary>
public class ImdbReaderLimitTests
{
    [Theory]
    [InlineData(2_000_000_000L)]
    [InlineData(int.MaxValue)]
    [InlineData(8_589_934_591L)] // 8 GiB − 1, the largest size an 11-digit octal tar field holds
    public void An_entry_that_declares_a_huge_size_is_refused_before_anything_is_allocated(long declared)
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("huge.tar.gz");
        File.WriteAllBytes(archive, Gzip(TarWithDeclaredSize("aclImdb/train/pos/0_9.txt", Encoding.UTF8.GetBytes("a fine film"), declared)));
        Assert.True(new FileInfo(archive).Length < 1000, "the hostile archive is tiny");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("aclImdb/train/pos/0_9.txt", error.Message);
        Assert.Contains($"{declared:N0} bytes, more than the cap of {ImdbReader.DefaultMaxReviewBytes:N0} bytes per review", error.Message);
        Assert.True(allocated < 16 << 20, $"reading the 1 KB archive allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_review_above_the_cap_is_named_in_an_archive_and_in_a_folder()
    {
        using var temp = new TempFolder();
        var entries = TinyImdb.Entries(withDistractors: false)
            .Select(e => e.Name == "aclImdb/test/neg/0_3.txt" ? (e.Name, Encoding.UTF8.GetBytes(new string('x', 5000))) : e)
            .ToList();
        string archive = temp.Combine("long.tar.gz");
        TinyImdb.WriteArchive(archive, entries);
        TinyImdb.WriteFolder(temp.Combine("extracted"), entries);

        var fromArchive = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive, maxReviewBytes: 4096));
        var fromFolder = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadFolder(temp.Combine("extracted"), maxReviewBytes: 4096));

        Assert.Contains("aclImdb/test/neg/0_3.txt' is 5,000 bytes, more than the cap of 4,096 bytes", fromArchive.Message);
        Assert.Contains("0_3.txt' is 5,000 bytes, more than the cap of 4,096 bytes", fromFolder.Message);
        Assert.Equal(TinyImdb.Reviews.Length, ImdbReader.ReadArchive(archive).Train.Count + ImdbReader.ReadArchive(archive).Test.Count);
    }

    [Fact]
    public void A_path_that_occurs_twice_in_an_archive_is_an_error_not_two_reviews()
    {
        using var temp = new TempFolder();
        string archive = temp.Combine("twice.tar.gz");
        var entries = TinyImdb.Entries(withDistractors: false).ToList();
        entries.Add((entries[0].Name, Encoding.UTF8.GetBytes("the same path once more")));
        TinyImdb.WriteArchive(archive, entries);

        var error = Assert.Throws<ImdbDataException>(() => ImdbReader.ReadArchive(archive));

        Assert.Contains($"the review '{entries[0].Name}' occurs twice", error.Message);
    }

    /// <summary>A ustar archive of one file whose header's size field is rewritten to <paramref name="declared"/>.</summary>
    private static byte[] TarWithDeclaredSize(string name, byte[] data, long declared)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }

        byte[] bytes = tar.ToArray();
        Encoding.ASCII.GetBytes(Convert.ToString(declared, 8).PadLeft(11, '0') + "\0").CopyTo(bytes, 124);

        // The header checksum: the sum of its 512 bytes with the checksum field read as spaces, in octal.
        Encoding.ASCII.GetBytes("        ").CopyTo(bytes, 148);
        int sum = bytes.Take(512).Sum(static b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(bytes, 148);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
