namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Drains a channel to somewhere else, Flume's <c>Sink</c>. Each call to <see cref="ProcessAsync"/> takes a batch
/// in one channel transaction and commits it only once the batch is delivered; on failure it rolls back and
/// throws, and the runner backs off.
/// </summary>
public interface ISink : ILifecycle
{
    /// <summary>Delivers one batch. <see cref="SinkStatus.Backoff"/> means the channel was empty.</summary>
    ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken);
}
