namespace Flume.Logging.Relay.Channels;

/// <summary>
/// The channel had no room for a commit within its keep-alive: sinks are not keeping up. Sources answer FAILED so
/// clients retry later. Flume's <c>ChannelFullException</c>.
/// </summary>
public sealed class ChannelFullException : ChannelException
{
    /// <summary>Creates the exception with a message naming the channel and what was full.</summary>
    public ChannelFullException(string message)
        : base(message)
    {
    }
}
