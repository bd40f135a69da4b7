namespace Flume.Logging.FileChannel;

/// <summary>A file channel operation failed; the transaction must be rolled back. The message names the cause and the path.</summary>
public class FileChannelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FileChannelException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
