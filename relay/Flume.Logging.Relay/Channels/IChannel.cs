namespace Flume.Logging.Relay.Channels;

/// <summary>
/// A passive store between sources and sinks, mirroring Flume's <c>Channel</c>: every put and take happens inside
/// an explicit transaction, so events move from one hop to the next with at-least-once semantics.
/// </summary>
public interface IChannel : ILifecycle
{
    /// <summary>Begins a transaction. A transaction is used by one caller at a time and ends with commit or rollback.</summary>
    IChannelTransaction BeginTransaction();

    /// <summary>
    /// Completes when the channel may hold events to take, or when <paramref name="timeout"/> passes. Lets a sink
    /// runner sleep while the channel is empty without polling.
    /// </summary>
    ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Completes after <paramref name="linger"/> on <paramref name="timeProvider"/>, or sooner once the channel holds as
    /// many events as one transaction may take: how long a sink runner woken by a put waits for more to join its
    /// batch, without holding more than a batch back at high rates. This default waits the whole linger.
    /// </summary>
    ValueTask LingerAsync(TimeSpan linger, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(Task.Delay(linger, timeProvider, cancellationToken));

    /// <summary>
    /// Blocks the calling thread as <see cref="WaitForEventsAsync"/> waits: how a sink runner, which has a thread of its
    /// own, waits on its one channel. This default blocks on <see cref="WaitForEventsAsync"/>.
    /// </summary>
    void WaitForEvents(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForEventsAsync(timeout, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Blocks the calling thread as <see cref="LingerAsync"/> waits. This default blocks on <see cref="LingerAsync"/>.
    /// </summary>
    void Linger(TimeSpan linger, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        LingerAsync(linger, timeProvider, cancellationToken).AsTask().GetAwaiter().GetResult();
}
