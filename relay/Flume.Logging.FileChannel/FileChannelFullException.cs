namespace Flume.Logging.FileChannel;

/// <summary>The channel had no room for a commit within its keep-alive.</summary>
public sealed class FileChannelFullException : FileChannelException
{
    /// <summary>Creates the exception.</summary>
    public FileChannelFullException(string message)
        : base(message)
    {
    }
}
