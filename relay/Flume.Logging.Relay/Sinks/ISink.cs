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

    /// <summary>
    /// Told once when the sink's stop begins, while a step may still be in flight (the stop lets it finish). A sink whose
    /// step is retrying a downstream that fails may give up the retries, not an attempt in flight, so the stop does not
    /// wait out timeouts against a peer that is gone. Default: nothing.
    /// </summary>
    void OnStopRequested()
    {
    }
}
