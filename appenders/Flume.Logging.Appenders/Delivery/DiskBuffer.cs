using Flume.Logging.FileChannel;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The durable local buffer (Flume's file channel format) that holds events while the relays are down, across
/// restarts, oldest first. Every write and every removal is a committed transaction.
/// </summary>
internal sealed class DiskBuffer : IAsyncDisposable
{
    // Each commit ends in an fsync: with 1,000 events per put, a burst of 200,000 log calls in 0.8 s with the relay down
    // lost 24,000-30,000 of them at the full memory queue; with 10,000, none.
    private const int MostPerPut = 10_000;

    /// <summary>
    /// The size at which a log file is closed and a new one started. A file is deleted once it is closed and all its
    /// events are sent, so after an outage drains, the disk keeps at most this much (Flume's 2 GB would keep it all).
    /// </summary>
    internal const long MaxFileSize = 16L * 1024 * 1024;

    private readonly FileEventQueue _queue;
    private readonly int _batchSize;
    private readonly int _sizeLimit;

    private DiskBuffer(FileEventQueue queue, string path, int batchSize, int sizeLimit)
    {
        _queue = queue;
        Path = path;
        _batchSize = batchSize;
        _sizeLimit = sizeLimit;
    }

    public string Path { get; }

    /// <summary>
    /// Most events the next <see cref="PutAsync"/> should be given: up to 10,000, and no more than the buffer has room
    /// for (a put beyond its room is refused whole); 0 when it is full.
    /// </summary>
    public int PutLimit => Math.Min(MostPerPut, Math.Max(_sizeLimit - Count, 0));

    /// <summary>Events held now.</summary>
    public int Count => _queue.Count;

    /// <summary>
    /// Opens (or creates) the buffer at <paramref name="path"/>; null, reported, when it cannot be opened: the appender
    /// then delivers from memory only rather than not at all.
    /// </summary>
    public static DiskBuffer? Open(string path, int sizeLimit, int batchSize, TimeProvider time, SelfLog selfLog)
    {
        var options = new FileChannelOptions
        {
            CheckpointDir = System.IO.Path.Combine(path, "checkpoint"),
            Capacity = sizeLimit,
            TransactionCapacity = Math.Min(sizeLimit, Math.Max(batchSize, MostPerPut)),
            // A full buffer must refuse at once: the loop then counts the drop instead of stalling delivery.
            KeepAlive = TimeSpan.Zero,
            // An application host's disk is smaller than a relay's; Flume's 500 MB reserve would refuse most buffers.
            MinimumRequiredSpace = 16L * 1024 * 1024,
            MaxFileSize = MaxFileSize,
        };
        options.DataDirs.Add(System.IO.Path.Combine(path, "data"));
        try
        {
            var buffer = new DiskBuffer(FileEventQueue.Open("appender-buffer", options, time), path, batchSize, sizeLimit);
            if (buffer.Count > 0)
            {
                selfLog.Write($"Flume appender: {buffer.Count} events wait in the disk buffer at {path}; they are sent first");
            }

            return buffer;
        }
        catch (Exception e) when (IsDiskFailure(e) || e is ArgumentException)
        {
            selfLog.Write($"Flume appender: cannot open the disk buffer at {path} ({e.Message}); delivering from memory only");
            return null;
        }
    }

    /// <summary>Whether <paramref name="e"/> is the buffer refusing or failing (full, disk error), as opposed to a bug.</summary>
    public static bool IsDiskFailure(Exception e) => e is FileChannelException or IOException or UnauthorizedAccessException;

    /// <summary>Writes <paramref name="events"/> in one transaction; throws a disk failure when the buffer refuses them.</summary>
    public async ValueTask PutAsync(IReadOnlyList<FlumeEvent> events)
    {
        using var transaction = _queue.BeginTransaction();
        for (var i = 0; i < events.Count; i++)
        {
            transaction.Put(events[i]);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes up to a batch of the oldest events into <paramref name="scratch"/> and sends them with
    /// <paramref name="send"/>; they leave the buffer only when it returns no failure. Returns how many were sent (0
    /// when the buffer is empty) and the send's failure, if any.
    /// </summary>
    public async ValueTask<(int Sent, Exception? Failure)> SendOldestAsync(List<FlumeEvent> scratch, Func<List<FlumeEvent>, Task<Exception?>> send)
    {
        scratch.Clear();
        using var transaction = _queue.BeginTransaction();
        while (scratch.Count < _batchSize && transaction.Take() is { } flumeEvent)
        {
            scratch.Add(flumeEvent);
        }

        if (scratch.Count == 0)
        {
            return (0, null);
        }

        if (await send(scratch).ConfigureAwait(false) is { } failure)
        {
            // Disposing the uncommitted transaction puts the events back at the head.
            return (0, failure);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return (scratch.Count, null);
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();
}
