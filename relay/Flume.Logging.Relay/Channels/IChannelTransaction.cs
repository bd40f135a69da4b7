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
    /// which goes back to the pool with the event objects themselves when their take commits. Copy the body and the
    /// headers to keep them longer.
    /// </summary>
    FlumeEvent? Take();

    /// <summary>
    /// Takes up to <paramref name="max"/> events into <paramref name="into"/> and returns how many it took: what that
    /// many calls of <see cref="Take"/> would take, stopping at the first null, with the same limit and the same
    /// lifetime of what was taken. Channels override it to take a batch at once instead of event by event.
    /// </summary>
    int TakeBatch(IList<FlumeEvent> into, int max)
    {
        ArgumentNullException.ThrowIfNull(into);
        var taken = 0;
        while (taken < max && Take() is { } flumeEvent)
        {
            into.Add(flumeEvent);
            taken++;
        }

        return taken;
    }

    /// <summary>
    /// Makes the transaction's puts and takes permanent. When the channel has no room for the puts it waits up to
    /// the channel's keep-alive, then throws <see cref="ChannelFullException"/> and the transaction must be rolled back.
    /// </summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Undoes the transaction: staged puts are dropped, taken events return to the head of the channel.</summary>
    void Rollback();
}
