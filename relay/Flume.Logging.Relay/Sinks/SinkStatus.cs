namespace Flume.Logging.Relay.Sinks;

/// <summary>What one sink step did, Flume's <c>Sink.Status</c>.</summary>
public enum SinkStatus
{
    /// <summary>Events were delivered; call again at once.</summary>
    Ready,

    /// <summary>Nothing to deliver now; wait for the channel before calling again.</summary>
    Backoff,
}
