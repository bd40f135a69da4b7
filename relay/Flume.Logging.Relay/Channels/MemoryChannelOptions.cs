using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Channels;

/// <summary>Settings of the <c>memory</c> channel, with Flume's property names and defaults.</summary>
public sealed class MemoryChannelOptions
{
    /// <summary>
    /// Bytes of body Flume's "0" falls back to: a hard internal limit of about 200 GB, i.e. effectively unbounded.
    /// </summary>
    internal const long UnboundedByteCapacity = 200L * 1024 * 1024 * 1024;

    /// <summary><c>capacity</c>: most events held, including events taken but not yet committed. Default: 100.</summary>
    public int Capacity { get; set; } = 100;

    /// <summary><c>transactionCapacity</c>: most puts or takes in one transaction. Default: 100.</summary>
    public int TransactionCapacity { get; set; } = 100;

    /// <summary>
    /// <c>byteCapacity</c>: most bytes of event bodies held. Default (null): 80% of the memory available to this
    /// process, as Flume uses 80% of the JVM heap; 0 means about 200 GB.
    /// </summary>
    public long? ByteCapacity { get; set; }

    /// <summary>
    /// <c>byteCapacityBufferPercentage</c>: share of <see cref="ByteCapacity"/> kept free for headers, which are
    /// not counted. Default: 20.
    /// </summary>
    public int ByteCapacityBufferPercentage { get; set; } = 20;

    /// <summary><c>keep-alive</c>: how long a commit waits for room before failing. Default: 3 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Bytes of body counted as one unit of byte capacity. Default: 100, as Flume's memory channel; the spillable
    /// memory channel sets its <c>avgEventSize</c> here, as Flume does.
    /// </summary>
    internal int ByteSlotSize { get; init; } = 100;

    /// <summary>The byte capacity in effect: the configured value, or the default derived from available memory.</summary>
    internal long EffectiveByteCapacity => ByteCapacity switch
    {
        null => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8),
        0 => UnboundedByteCapacity,
        { } bytes => bytes,
    };

    /// <summary>Reads a <c>memory</c> channel's properties; errors name the exact key.</summary>
    internal static MemoryChannelOptions From(ComponentContext properties)
    {
        var options = new MemoryChannelOptions
        {
            Capacity = properties.GetInt32("capacity", 100, 1, int.MaxValue),
            TransactionCapacity = properties.GetInt32("transactionCapacity", 100, 1, int.MaxValue),
            ByteCapacity = properties.GetString("byteCapacity") is null ? null : properties.GetInt64("byteCapacity", 0, 0, long.MaxValue),
            ByteCapacityBufferPercentage = properties.GetInt32("byteCapacityBufferPercentage", 20, 0, 99),
            KeepAlive = properties.GetSeconds("keep-alive", TimeSpan.FromSeconds(3)),
        };
        properties.Require(
            options.TransactionCapacity <= options.Capacity,
            "transactionCapacity",
            $"({options.TransactionCapacity}) must not exceed capacity ({options.Capacity})");
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (Capacity < 1)
        {
            throw new ArgumentException($"capacity must be at least 1 (got {Capacity})", nameof(Capacity));
        }

        if (TransactionCapacity < 1)
        {
            throw new ArgumentException($"transactionCapacity must be at least 1 (got {TransactionCapacity})", nameof(TransactionCapacity));
        }

        if (TransactionCapacity > Capacity)
        {
            throw new ArgumentException(
                $"transactionCapacity ({TransactionCapacity}) must not exceed capacity ({Capacity})", nameof(TransactionCapacity));
        }

        if (ByteCapacity is < 0)
        {
            throw new ArgumentException($"byteCapacity must not be negative (got {ByteCapacity})", nameof(ByteCapacity));
        }

        if (ByteCapacityBufferPercentage is < 0 or > 99)
        {
            throw new ArgumentException(
                $"byteCapacityBufferPercentage must be 0-99 (got {ByteCapacityBufferPercentage})", nameof(ByteCapacityBufferPercentage));
        }

        if (KeepAlive < TimeSpan.Zero)
        {
            throw new ArgumentException($"keep-alive must not be negative (got {KeepAlive.TotalSeconds} s)", nameof(KeepAlive));
        }
    }
}
