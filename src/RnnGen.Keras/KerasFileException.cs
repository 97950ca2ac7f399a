namespace RnnGen.Keras;

/// <summary>
/// A Keras file that cannot be read into the model: damaged or of an unknown layout, from a Keras release or with a
/// feature this reader does not support, or holding another architecture than the model's (every difference is named).
/// The message names the file and, where there is one, the entry, group or dataset.
/// </summary>
public sealed class KerasFileException : IOException
{
    /// <summary>Creates the exception with its message.</summary>
    public KerasFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the error underneath.</summary>
    public KerasFileException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
