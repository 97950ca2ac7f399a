namespace RnnGen.Data;

/// <summary>
/// Data that cannot be used as the IMDB dataset: a missing, truncated or corrupt archive or folder, a review that is not
/// valid UTF-8 or is empty, a failed download. The message names the file or archive entry at fault.
/// </summary>
public sealed class ImdbDataException : Exception
{
    /// <summary>Creates the exception with a message naming the file or entry at fault.</summary>
    public ImdbDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message naming the file or entry at fault, and the error behind it.</summary>
    public ImdbDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
