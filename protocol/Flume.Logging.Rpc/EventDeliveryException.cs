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

    /// <summary>
    /// Set by the clients that back failed hosts off (failover, load balancing): how long until the first host may be
    /// tried again, zero when one may be tried now. Null from the single-host clients, which do not back off. A
    /// caller that retries waits this long, so the hosts' backoff is the only retry schedule.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}
