namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// What a log call does with its entry: queue it, or, when the queue is full, apply <see cref="OverflowMode"/>. Never
/// spins and never waits, except under the <see cref="OverflowMode.Block"/> opt-in, and then at most the block
/// timeout in total and not at all while every relay is known to be down.
/// </summary>
internal sealed class Admission(
    RecordQueue queue,
    OverflowMode overflow,
    TimeSpan blockTimeout,
    DeliveryCounters counters,
    DeliveryProgress progress,
    DropReporter drops,
    Func<bool> relaysDown)
{
    private int _closed;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Refuses every later entry and releases the log calls waiting for room.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        queue.WakeWriters();
    }

    /// <summary>Queues <paramref name="entry"/>, or drops it (counted and reported) and returns false.</summary>
    public bool Admit(in QueuedRecord entry)
    {
        if (IsClosed)
        {
            return Refuse(entry, "the appender is closed");
        }

        if (entry.Size > queue.ByteLimit)
        {
            return Refuse(entry, $"one event holds {entry.Size} bytes, more than QueueByteLimit {queue.ByteLimit}");
        }

        if (queue.TryAdd(entry))
        {
            counters.AddEnqueued();
            return true;
        }

        return overflow switch
        {
            OverflowMode.DropOldest => AdmitDroppingOldest(entry),
            OverflowMode.Block => AdmitWaiting(entry),
            _ => Refuse(entry, "the queue is full (DropNewest)"),
        };
    }

    /// <summary>
    /// Under DropNewest, drops a call before its entry exists when the queue has no room for one more entry (closed,
    /// or full in entries): what <see cref="Admit"/> would do, without the cost of building the entry. False under the
    /// other modes, whose full queue may still take the call.
    /// </summary>
    public bool DropIfFull(object? source)
    {
        string reason;
        if (overflow != OverflowMode.DropNewest)
        {
            return false;
        }

        if (IsClosed)
        {
            reason = "the appender is closed";
        }
        else if (queue.IsFull)
        {
            reason = "the queue is full (DropNewest)";
        }
        else
        {
            return false;
        }

        drops.Drop(source, reason);
        return true;
    }

    private bool AdmitDroppingOldest(in QueuedRecord entry)
    {
        while (!queue.TryAdd(entry))
        {
            // Bytes of entries the loop has taken but not yet released can keep the queue full with nothing in it to
            // drop: then the new entry goes, rather than this thread spinning until the loop catches up.
            if (IsClosed || !queue.TryTake(out var oldest))
            {
                return Refuse(entry, IsClosed ? "the appender is closed" : "the queue is full (DropOldest) and holds nothing older");
            }

            queue.Release(oldest.Size);
            drops.Drop(oldest, "the queue is full (DropOldest)");
            progress.Settle(1);
        }

        counters.AddEnqueued();
        return true;
    }

    private bool AdmitWaiting(in QueuedRecord entry)
    {
        if (relaysDown())
        {
            return Refuse(entry, "the queue is full and every relay is down (Block does not wait for a relay that is down)");
        }

        if (queue.WaitToAdd(entry, blockTimeout, () => IsClosed || relaysDown()))
        {
            counters.AddEnqueued();
            return true;
        }

        return Refuse(entry, $"the queue stayed full for BlockTimeout {blockTimeout.TotalMilliseconds} ms or the relays went down (Block)");
    }

    private bool Refuse(in QueuedRecord entry, string reason)
    {
        drops.Drop(entry, reason);
        return false;
    }
}
