namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// How many queued entries have settled (sent, written to the disk buffer or dropped), and the flush requests waiting
/// for that count, so a flush completes exactly when everything queued before it has settled.
/// </summary>
internal sealed class DeliveryProgress
{
    private long _settled;
    private long _flushTarget;
    private TaskCompletionSource _changed = NewSignal();

    public long Settled => Interlocked.Read(ref _settled);

    /// <summary>Whether a flush waits for entries that have not settled: the loop then sends without waiting for a full batch.</summary>
    public bool FlushPending => Interlocked.Read(ref _flushTarget) > Settled;

    /// <summary>Completes at the next <see cref="Settle"/>.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public void Settle(long count)
    {
        Interlocked.Add(ref _settled, count);
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    /// <summary>Asks for everything up to the <paramref name="target"/>-th entry to settle.</summary>
    public void RequestFlush(long target)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _flushTarget);
        }
        while (seen < target && Interlocked.CompareExchange(ref _flushTarget, target, seen) != seen);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
