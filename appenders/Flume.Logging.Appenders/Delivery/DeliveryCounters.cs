namespace Flume.Logging.Appenders.Delivery;

/// <summary>What one delivery core has done, cumulative; read by the front ends' tests and by the appender metrics.</summary>
internal sealed class DeliveryCounters
{
    private long _enqueued;
    private long _sent;
    private long _dropped;
    private long _buffered;
    private long _batchesFailed;

    /// <summary>Events accepted into the memory queue.</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Events a relay acknowledged, from memory or from the disk buffer.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events lost, for any reason.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events written to the disk buffer.</summary>
    public long Buffered => Interlocked.Read(ref _buffered);

    /// <summary>Send attempts that failed.</summary>
    public long BatchesFailed => Interlocked.Read(ref _batchesFailed);

    public void AddEnqueued() => Interlocked.Increment(ref _enqueued);

    public void AddSent(long count) => Interlocked.Add(ref _sent, count);

    public void AddDropped(long count) => Interlocked.Add(ref _dropped, count);

    public void AddBuffered(long count) => Interlocked.Add(ref _buffered, count);

    public void AddBatchFailed() => Interlocked.Increment(ref _batchesFailed);
}
