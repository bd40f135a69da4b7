namespace Flume.Logging.Relay.Channels;

/// <summary>The per-transaction limit every in-process channel enforces, with one wording for the error.</summary>
internal static class TransactionLists
{
    /// <summary>
    /// Throws <see cref="ChannelException"/> when a transaction's <paramref name="list"/> ("put" or "take") already
    /// holds <paramref name="capacity"/> events: a source or sink batching more than transactionCapacity.
    /// </summary>
    public static void EnsureRoom(string channel, string list, int count, int capacity)
    {
        if (count >= capacity)
        {
            throw new ChannelException(
                $"channel {channel}: {list} list of transaction capacity {capacity} is full; commit more often or raise transactionCapacity");
        }
    }
}
