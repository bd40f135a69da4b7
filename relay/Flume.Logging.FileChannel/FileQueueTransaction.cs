using Flume.Logging.Protocol;

namespace Flume.Logging.FileChannel;

/// <summary>
/// One transaction on a <see cref="FileEventQueue"/>. Puts are written to disk only at commit, together with the
/// commit record, so an interrupted transaction leaves nothing that replay would count. Takes return to the
/// head of the queue, in order, on rollback or dispose.
/// </summary>
public sealed class FileQueueTransaction : IDisposable
{
    private readonly FileEventQueue _queue;
    private readonly List<FlumeEvent> _puts;
    private readonly List<FileEventQueue.Entry> _takes;
    private bool _ended;

    internal FileQueueTransaction(FileEventQueue queue, long id)
    {
        _queue = queue;
        Id = id;
        _puts = queue.PutLists.Rent();
        _takes = queue.TakeLists.Rent();
    }

    internal long Id { get; }

    /// <summary>Stages an event. Throws <see cref="FileChannelException"/> when the transaction is full.</summary>
    public void Put(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        EnsureOpen();
        if (_puts.Count >= _queue.TransactionCapacity)
        {
            throw new FileChannelException(
                $"channel {_queue.Name}: put list of transaction capacity {_queue.TransactionCapacity} is full; commit more often or raise transactionCapacity");
        }

        _puts.Add(flumeEvent);
    }

    /// <summary>Takes the next event, or null when none is queued. Throws <see cref="FileChannelException"/> when the transaction is full.</summary>
    public FlumeEvent? Take()
    {
        EnsureOpen();
        if (_takes.Count >= _queue.TransactionCapacity)
        {
            throw new FileChannelException(
                $"channel {_queue.Name}: take list of transaction capacity {_queue.TransactionCapacity} is full; commit more often or raise transactionCapacity");
        }

        return _queue.Take(this);
    }

    /// <summary>
    /// Writes and (by default) fsyncs the transaction, then makes it visible. Throws
    /// <see cref="FileChannelFullException"/> when there is no room within keep-alive and
    /// <see cref="FileChannelException"/> when the disk refuses; either way, roll back.
    /// </summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await _queue.CommitAsync(this, _puts, _takes, cancellationToken);
        _ended = true;
        ReturnLists();
    }

    /// <summary>Drops staged puts and returns taken events to the head of the queue.</summary>
    public void Rollback()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _queue.Rollback(_takes);
        ReturnLists();
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose() => Rollback();

    internal void TrackTake(FileEventQueue.Entry entry) => _takes.Add(entry);

    /// <summary>Once ended the transaction never touches its lists again (EnsureOpen guards every use).</summary>
    private void ReturnLists()
    {
        _queue.PutLists.Return(_puts);
        _queue.TakeLists.Return(_takes);
    }

    private void EnsureOpen()
    {
        if (_ended)
        {
            throw new InvalidOperationException($"channel {_queue.Name}: the transaction has already ended");
        }
    }
}
