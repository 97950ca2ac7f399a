namespace RnnGen.Data;

/// <summary>
/// A file of labeled texts that cannot be used: a missing column or field, a label that is not a class, invalid UTF-8,
/// a malformed row. The message names the file, the line or entry, and what is wrong; nothing is half-loaded.
/// </summary>
public sealed class TextDataException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> (and <paramref name="line"/>, from 1, when known).</summary>
    public TextDataException(string path, long? line, string problem, Exception? innerException = null)
        : base(line is null ? $"{path}: {problem}" : $"{path}, line {line}: {problem}", innerException)
    {
        Path = path;
        Line = line;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }

    /// <summary>The line at fault, counted from 1, when the problem has one.</summary>
    public long? Line { get; }
}
