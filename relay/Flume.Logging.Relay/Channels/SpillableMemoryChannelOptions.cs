using Flume.Logging.FileChannel;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Channels;

/// <summary>Settings of the <c>SPILLABLEMEMORY</c> channel, with Flume's property names and defaults.</summary>
internal sealed class SpillableMemoryChannelOptions
{
    /// <summary><c>memoryCapacity</c>: most events held in memory; 0 turns the memory queue off. Default: 10000.</summary>
    public int MemoryCapacity { get; init; } = 10_000;

    /// <summary><c>overflowCapacity</c>: most events held in the overflow file channel; 0 turns overflow off. Default: 100000000.</summary>
    public int OverflowCapacity { get; init; } = 100_000_000;

    /// <summary>
    /// <c>overflowTimeout</c>: how long a put waits for memory to free up before spilling to disk, while overflow is
    /// not yet active. Default: 3 s.
    /// </summary>
    public TimeSpan OverflowTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>overflowDeactivationThreshold</c>: percent of memory that must be free again before puts wait
    /// <see cref="OverflowTimeout"/> for memory once more. Flume's code reads it though the guide does not list it.
    /// Default: 5.
    /// </summary>
    public int OverflowDeactivationThreshold { get; init; } = 5;

    /// <summary>
    /// <c>byteCapacity</c>: most bytes of bodies in memory. Default (null): 80% of the memory available to the
    /// process; 0 means about 200 GB.
    /// </summary>
    public long? ByteCapacity { get; init; }

    /// <summary><c>byteCapacityBufferPercentage</c>: share of byteCapacity kept for headers. Default: 20.</summary>
    public int ByteCapacityBufferPercentage { get; init; } = 20;

    /// <summary><c>avgEventSize</c>: bytes of body counted as one unit of byteCapacity. Default: 500.</summary>
    public int AvgEventSize { get; init; } = 500;

    /// <summary>
    /// <c>transactionCapacity</c> (a file channel property): most puts or takes in one transaction. Default: 10000,
    /// the file channel's.
    /// </summary>
    public int TransactionCapacity { get; init; } = 10_000;

    /// <summary>The overflow's file channel settings (every file channel property but capacity and keep-alive).</summary>
    public FileChannelOptions Overflow { get; init; } = new();

    /// <summary>The memory queue's settings, derived from this channel's.</summary>
    public MemoryChannelOptions Memory => new()
    {
        Capacity = MemoryCapacity,
        TransactionCapacity = Math.Min(TransactionCapacity, MemoryCapacity),
        ByteCapacity = ByteCapacity,
        ByteCapacityBufferPercentage = ByteCapacityBufferPercentage,
        KeepAlive = OverflowTimeout,
        ByteSlotSize = AvgEventSize,
    };

    /// <summary>Reads a <c>SPILLABLEMEMORY</c> channel's Flume properties; errors name the exact key.</summary>
    public static SpillableMemoryChannelOptions From(ComponentContext properties)
    {
        // Flume manages these two for the embedded file channel; a value here would silently mean something else.
        properties.Require(properties.GetString("capacity") is null, "capacity", "is not a SPILLABLEMEMORY property: use memoryCapacity and overflowCapacity");
        properties.Require(properties.GetString("keep-alive") is null, "keep-alive", "is not a SPILLABLEMEMORY property: use overflowTimeout");

        var overflowCapacity = properties.GetInt32("overflowCapacity", 100_000_000, 0, int.MaxValue);
        var transactionCapacity = properties.GetInt32("transactionCapacity", 10_000, 1, int.MaxValue);
        var overflow = DurableFileChannel.Options(properties);
        overflow.Capacity = Math.Max(1, overflowCapacity);
        overflow.TransactionCapacity = Math.Min(transactionCapacity, overflow.Capacity);

        // The spillable channel decides how long to wait; its file channel never blocks a commit on its own.
        overflow.KeepAlive = TimeSpan.Zero;
        var options = new SpillableMemoryChannelOptions
        {
            MemoryCapacity = properties.GetInt32("memoryCapacity", 10_000, 0, int.MaxValue),
            OverflowCapacity = overflowCapacity,
            OverflowTimeout = properties.GetSeconds("overflowTimeout", TimeSpan.FromSeconds(3)),
            OverflowDeactivationThreshold = properties.GetInt32("overflowDeactivationThreshold", 5, 0, 100),
            ByteCapacity = properties.GetString("byteCapacity") is null ? null : properties.GetInt64("byteCapacity", 0, 0, long.MaxValue),
            ByteCapacityBufferPercentage = properties.GetInt32("byteCapacityBufferPercentage", 20, 0, 99),
            AvgEventSize = properties.GetInt32("avgEventSize", 500, 1, int.MaxValue),
            TransactionCapacity = transactionCapacity,
            Overflow = overflow,
        };
        properties.Require(options.MemoryCapacity > 0 || options.OverflowCapacity > 0, "memoryCapacity", "and overflowCapacity are both 0: the channel could hold nothing");
        properties.Require(options.OverflowTimeout >= TimeSpan.Zero, "overflowTimeout", "must not be negative");
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (MemoryCapacity < 0 || OverflowCapacity < 0 || MemoryCapacity + (long)OverflowCapacity == 0)
        {
            throw new ArgumentException(
                $"memoryCapacity ({MemoryCapacity}) and overflowCapacity ({OverflowCapacity}) must not be negative, nor both 0", nameof(MemoryCapacity));
        }

        if (TransactionCapacity < 1)
        {
            throw new ArgumentException($"transactionCapacity must be at least 1 (got {TransactionCapacity})", nameof(TransactionCapacity));
        }

        if (OverflowTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"overflowTimeout must not be negative (got {OverflowTimeout.TotalSeconds} s)", nameof(OverflowTimeout));
        }

        if (OverflowDeactivationThreshold is < 0 or > 100)
        {
            throw new ArgumentException(
                $"overflowDeactivationThreshold must be 0-100 (got {OverflowDeactivationThreshold})", nameof(OverflowDeactivationThreshold));
        }

        if (AvgEventSize < 1)
        {
            throw new ArgumentException($"avgEventSize must be at least 1 (got {AvgEventSize})", nameof(AvgEventSize));
        }

        if (MemoryCapacity > 0)
        {
            Memory.Validate();
        }

        if (OverflowCapacity > 0)
        {
            Overflow.Validate();
        }
    }
}
