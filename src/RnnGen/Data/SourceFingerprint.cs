using System.Security.Cryptography;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// The SHA-256 that keys the encoded cache: of the archive's bytes for a file, or of the review listing (path, size, last
/// write time) for an extracted folder, where reading every byte would cost as much as encoding it again.
/// </summary>
internal static class SourceFingerprint
{
    public static byte[] Compute(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
                return SHA256.HashData(file);
            }

            return OfFolder(ImdbReader.FindRootFolder(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImdbDataException($"Cannot read the IMDB data '{path}': {e.Message}", e);
        }
    }

    private static byte[] OfFolder(string root)
    {
        var lines = new List<string>();
        foreach (string split in (string[])["train", "test"])
        {
            foreach (string label in (string[])["neg", "pos"])
            {
                var directory = new DirectoryInfo(Path.Combine(root, split, label));
                if (!directory.Exists)
                {
                    continue;
                }

                foreach (FileInfo file in directory.EnumerateFiles("*.txt"))
                {
                    lines.Add($"{split}/{label}/{file.Name}\t{file.Length}\t{file.LastWriteTimeUtc.Ticks}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }
}
