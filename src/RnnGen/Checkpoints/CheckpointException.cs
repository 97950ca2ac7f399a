namespace RnnGen.Checkpoints;

/// <summary>A checkpoint file that cannot be loaded: corrupt, truncated, or saved from a model of another shape.</summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
    public CheckpointException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }
}
