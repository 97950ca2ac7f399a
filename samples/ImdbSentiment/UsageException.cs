namespace ImdbSample;

/// <summary>
/// A problem the user can fix (a bad option, a missing folder or file): the program prints its message as one line and
/// exits with code 2, without a stack trace.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
