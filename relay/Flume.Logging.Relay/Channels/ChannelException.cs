namespace Flume.Logging.Relay.Channels;

/// <summary>A channel operation failed; the transaction must be rolled back. Flume's <c>ChannelException</c>.</summary>
public class ChannelException : Exception
{
    /// <summary>Creates the exception with a message naming the channel and the cause.</summary>
    public ChannelException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
