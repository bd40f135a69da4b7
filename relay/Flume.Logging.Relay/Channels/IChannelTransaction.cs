using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// One channel transaction. Puts become visible to takers only on commit; takes are removed for good only on
/// commit, and reappear (in order, at the head) on rollback. Disposing an uncommitted transaction rolls it back.
/// </summary>
public interface IChannelTransaction : IDisposable
{
    /// <summary>Stages an event. Throws <see cref="ChannelException"/> when the transaction is full.</summary>
    void Put(FlumeEvent flumeEvent);

    /// <summary>
    /// Takes the next event, or null when the channel has none now. Throws <see cref="ChannelException"/> when
    /// the transaction already holds its capacity of takes. The event's body is only sure to stay readable until the
    /// transaction ends: a memory channel's events may borrow their bodies from a source's pooled request buffer,
    /// which goes back to the pool when their take commits. Copy a body to keep it longer.
    /// </summary>
    FlumeEvent? Take();

    /// <summary>
    /// Makes the transaction's puts and takes permanent. When the channel has no room for the puts it waits up to
    /// the channel's keep-alive, then throws <see cref="ChannelFullException"/> and the transaction must be rolled back.
    /// </summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Undoes the transaction: staged puts are dropped, taken events return to the head of the channel.</summary>
    void Rollback();
}
