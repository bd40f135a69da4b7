namespace Flume.Logging.Rpc;

/// <summary>
/// Events could not be delivered: the peer was unreachable, timed out, broke the protocol or answered a status
/// other than OK. As in Flume, the whole batch must be treated as not delivered and retried.
/// </summary>
public sealed class EventDeliveryException : Exception
{
    /// <summary>Creates the exception with a message naming the peer and the cause.</summary>
    public EventDeliveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message naming the peer and the underlying cause.</summary>
    public EventDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
