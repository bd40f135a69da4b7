using System.Diagnostics;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The bounded memory queue between log calls and the delivery loop: lock-free for log calls (a lock could be held by
/// a preempted thread, and then a log call would wait), bounded in entries and in the memory they hold, with a doorbell
/// the loop sleeps on while it is empty and a gate log calls wait at under <see cref="OverflowMode.Block"/>.
/// </summary>
internal sealed class RecordQueue(int limit, long byteLimit)
{
    private readonly RecordRing _entries = new(limit);

    // A plain object: blocked log calls wait on it with Monitor.Wait, which System.Threading.Lock does not offer.
    private readonly object _space = new();
    private int _count;
    private long _bytes;
    private int _blockedWriters;
    private int _consumerIdle;
    private TaskCompletionSource _doorbell = NewSignal();

    /// <summary>Entries queued now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Memory the queued entries hold now, in bytes.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Most bytes the queue holds.</summary>
    public long ByteLimit => byteLimit;

    public bool IsEmpty => _entries.IsEmpty;

    /// <summary>Whether the queue holds as many entries as it may: the next one is refused.</summary>
    public bool IsFull => Volatile.Read(ref _count) >= limit;

    /// <summary>Completes at the next <see cref="Ring"/>: a flush, a dispose, or the first entry after the loop went idle.</summary>
    public Task Doorbell => Volatile.Read(ref _doorbell).Task;

    /// <summary>Adds <paramref name="entry"/> if there is room for it in entries and bytes; never waits.</summary>
    public bool TryAdd(in QueuedRecord entry)
    {
        if (Interlocked.Increment(ref _count) > limit)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        // An entry alone may use the whole byte budget, so one large event still gets through an empty queue.
        var bytes = Interlocked.Add(ref _bytes, entry.Size);
        if (bytes > byteLimit && bytes != entry.Size)
        {
            Interlocked.Add(ref _bytes, -entry.Size);
            Interlocked.Decrement(ref _count);
            return false;
        }

        // The count admitted this entry, so a slot is free or about to be: a taker that claimed it is finishing.
        var spin = default(SpinWait);
        while (!_entries.TryAdd(entry))
        {
            spin.SpinOnce();
        }

        // Only a loop that found the queue empty and went to sleep needs waking: once per idle spell, not per call,
        // since waking a thread is a system call on the application's thread.
        if (Volatile.Read(ref _consumerIdle) != 0 && Interlocked.Exchange(ref _consumerIdle, 0) != 0)
        {
            Ring();
        }

        return true;
    }

    /// <summary>
    /// Waits until <paramref name="entry"/> fits, for at most <paramref name="timeout"/> in total, and gives up early
    /// once <paramref name="giveUp"/> says so (checked whenever the wait is woken).
    /// </summary>
    public bool WaitToAdd(in QueuedRecord entry, TimeSpan timeout, Func<bool> giveUp)
    {
        // The application thread really waits here, so the bound is wall-clock time, not an injected clock.
        var started = Stopwatch.GetTimestamp();
        lock (_space)
        {
            _blockedWriters++;
            try
            {
                while (!TryAdd(entry))
                {
                    var remaining = timeout - Stopwatch.GetElapsedTime(started);
                    if (remaining <= TimeSpan.Zero || giveUp())
                    {
                        return false;
                    }

                    Monitor.Wait(_space, remaining);
                }

                return true;
            }
            finally
            {
                _blockedWriters--;
            }
        }
    }

    /// <summary>Takes the oldest entry. Its bytes stay counted until <see cref="Release"/>, so a batch frees its room once.</summary>
    public bool TryTake(out QueuedRecord entry)
    {
        if (!_entries.TryTake(out entry))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Frees the room of taken entries and wakes log calls waiting for it.</summary>
    public void Release(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        if (Volatile.Read(ref _blockedWriters) > 0)
        {
            WakeWriters();
        }
    }

    /// <summary>Wakes log calls waiting for room, to look again at whether they should give up.</summary>
    public void WakeWriters()
    {
        lock (_space)
        {
            Monitor.PulseAll(_space);
        }
    }

    /// <summary>
    /// For the loop: completes when the queue has an entry, or at the next <see cref="Ring"/>. Announces the sleep
    /// before looking: a call that enqueued before seeing the announcement is found by the look, one after it rings.
    /// </summary>
    public Task WaitForEntriesAsync()
    {
        var doorbell = Doorbell;
        Interlocked.Exchange(ref _consumerIdle, 1);
        return _entries.IsEmpty ? doorbell : Task.CompletedTask;
    }

    /// <summary>Wakes the loop.</summary>
    public void Ring() => Interlocked.Exchange(ref _doorbell, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
