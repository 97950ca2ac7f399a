// Writing a file so that nothing is lost: a crash, a kill or a failure at any moment leaves either the previous file or
// the complete new one, never a torn mix. The bytes go to a temporary file in the target's folder (a rename is atomic
// only within one file system), are flushed to the disk, and only then is the temporary renamed over the target:
// without the flush, a power loss soon after the rename can leave the new name pointing at data that never reached the
// disk (ext4 and XFS may commit the rename first).
using System.Text;

namespace RnnGen.IO;

/// <summary>Crash-safe replacement of a file: write to a temporary, flush to disk, rename over the target.</summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes. On any exception the target is left as it
    /// was and the temporary file is deleted. <paramref name="temporaryPath"/> names the temporary (in the same folder);
    /// by default it is <c>{path}.{random}.tmp</c>.
    /// </summary>
    public static void Write(string path, Action<Stream> write, string? temporaryPath = null, int bufferSize = 1 << 16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temporary = temporaryPath ?? $"{fullPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The original exception says what went wrong; a leftover temporary is named by its .tmp suffix.
            }

            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 without a byte order mark.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream => stream.Write(s_utf8.GetBytes(text)));
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="lines"/>, each ended by <see cref="Environment.NewLine"/>.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, s_utf8, bufferSize: 1 << 16, leaveOpen: true);
            foreach (string line in lines)
            {
                writer.WriteLine(line);
            }
        });
    }
}
