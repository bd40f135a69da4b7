using System.Buffers;
using Flume.Logging.FileChannel.Log;
using Flume.Logging.Protocol.Collections;
using Flume.Logging.Protocol;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.FileChannel;

/// <summary>
/// A durable, transactional event queue on disk: Flume's file channel as a library. A committed put survives
/// kill -9 and power loss (its records are fsynced before the commit returns); a take that was not committed
/// reappears after a restart; a committed take never does. Open it with <see cref="Open"/>, which replays what
/// the last run left.
/// </summary>
public sealed partial class FileEventQueue : IAsyncDisposable
{
    private readonly FileChannelOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Deque<Entry> _queue = new(1024);
    private readonly HashSet<long> _inflightTakes = [];
    private readonly DataLog[] _logs;
    private readonly EventReader _reader;
    private readonly DirectoryLocks _locks;
    private readonly Lock _spaceLock = new();
    private readonly long[] _freeAtCheck;
    private TaskCompletionSource _eventsAvailable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _spaceAvailable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reserved;
    private long _cachedBytes;
    private long _nextCommitSequence;
    private long _nextTransactionId;
    private int _nextFileId;
    private long _freeSpaceCheckedAt = long.MinValue;
    private long _growthAtCheck;
    private string? _lowSpaceDirectory;
    private ITimer? _checkpointTimer;
    private int _closed;

    private FileEventQueue(string name, FileChannelOptions options, TimeProvider timeProvider, ILogger logger, DirectoryLocks locks)
    {
        Name = name;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _locks = locks;
        var dirs = options.EffectiveDataDirs;
        _logs = new DataLog[dirs.Count];
        _freeAtCheck = new long[dirs.Count];
        for (var i = 0; i < dirs.Count; i++)
        {
            _logs[i] = new DataLog(Path.GetFullPath(dirs[i]), options.MaxFileSize, () => Interlocked.Increment(ref _nextFileId), options.Writer);
        }

        _reader = new EventReader(_logs.Select(l => l.Directory).ToArray());
    }

    /// <summary>The channel's name, used in log lines and errors.</summary>
    public string Name { get; }

    /// <summary>Events held, including those taken but not yet committed.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count + _inflightTakes.Count;
            }
        }
    }

    /// <summary>The configured capacity.</summary>
    public int Capacity => _options.Capacity;

    /// <summary>
    /// Opens the queue: locks its directories against a second process, replays the last checkpoint and the log
    /// after it, and starts periodic checkpoints. Throws <see cref="FileChannelException"/> naming the directory,
    /// file and offset when the directories are in use, unreadable, or corrupt in a way replay cannot skip.
    /// </summary>
    public static FileEventQueue Open(string name, FileChannelOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var locks = DirectoryLocks.Acquire($"channel {name}", options, create: true);
        FileEventQueue? queue = null;
        try
        {
            queue = new FileEventQueue(name, options, timeProvider ?? TimeProvider.System, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, locks);
            queue.Replay();
            queue._checkpointTimer = queue._timeProvider.CreateTimer(_ => queue.CheckpointQuietly(), null, options.CheckpointInterval, options.CheckpointInterval);
            return queue;
        }
        catch
        {
            queue?.DisposeLogs();
            locks.Dispose();
            throw;
        }
    }

    /// <summary>Begins a transaction; use it from one caller and end it with commit or rollback.</summary>
    public FileQueueTransaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        return new FileQueueTransaction(this, Interlocked.Increment(ref _nextTransactionId));
    }

    /// <summary>Completes when events may be available to take, or after <paramref name="timeout"/>.</summary>
    public async ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            if (_queue.Count > 0)
            {
                return;
            }

            wait = _eventsAvailable.Task;
        }

        try
        {
            await wait.WaitAsync(timeout, _timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing arrived in time.
        }
    }

    /// <summary>Writes a checkpoint now (also done every checkpointInterval and on close).</summary>
    public void Checkpoint() => WriteCheckpoint();

    /// <summary>Stops checkpointing, writes a last checkpoint (when checkpointOnClose), releases files and locks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (_checkpointTimer is not null)
        {
            await _checkpointTimer.DisposeAsync();
        }

        try
        {
            if (_options.CheckpointOnClose)
            {
                WriteCheckpoint();
            }
            else
            {
                foreach (var log in _logs)
                {
                    log.Flush();
                }
            }
        }
        finally
        {
            DisposeLogs();
            _locks.Dispose();
        }
    }

    /// <summary>
    /// Lets go of files and locks as a killed process would: no flush, no checkpoint. Tests use it to simulate
    /// kill -9 in-process (what was written is in the page cache, as after a real kill).
    /// </summary>
    internal void Abandon()
    {
        Interlocked.Exchange(ref _closed, 1);
        _checkpointTimer?.Dispose();
        DisposeLogs(abandon: true);
        _locks.Dispose();
    }

    internal FlumeEvent? Take(FileQueueTransaction transaction)
    {
        while (true)
        {
            Entry entry;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    return null;
                }

                entry = _queue.RemoveFirst();
                _inflightTakes.Add(entry.Pointer);
                if (entry.Event is not null)
                {
                    _cachedBytes -= entry.Event.Body.Length;
                }
            }

            transaction.TrackTake(entry);
            if (entry.Event is not null)
            {
                return entry.Event;
            }

            var read = _reader.TryRead(entry.Pointer, out var error);
            if (read is not null)
            {
                return read;
            }

            // The record is gone (a repaired corruption): the take removes it for good, and says so.
            LogUnreadableEvent(Name, EventPointer.FileId(entry.Pointer), EventPointer.Offset(entry.Pointer), error);
        }
    }

    internal async ValueTask CommitAsync(FileQueueTransaction transaction, List<FlumeEvent> puts, List<Entry> takes, CancellationToken cancellationToken)
    {
        if (puts.Count == 0 && takes.Count == 0)
        {
            return;
        }

        var net = puts.Count - takes.Count;
        var size = EstimateSize(puts, takes.Count);
        if (puts.Count > 0)
        {
            CheckFreeSpace(size, puts.Count);
        }

        if (net > 0)
        {
            await ReserveAsync(net, cancellationToken);
        }

        var log = _logs[transaction.Id % _logs.Length];
        DataLog.PendingWrite write;

        // Events whose bodies are borrowed from a source's pooled request buffer (EventBuffer) keep it while they sit
        // in the event cache, until their take commits, as the memory channel does. Retained before anything is
        // written, so a buffer already given back fails the commit instead of leaving a written but unapplied
        // transaction; Apply lets go again of those that do not fit the cache.
        try
        {
            EventBuffer.Adjust(puts, +1);
        }
        catch
        {
            Release(net);
            throw;
        }

        // Each put's offset, relative to the transaction's start until the log says where it went.
        var pointers = ArrayPool<long>.Shared.Rent(puts.Count);
        try
        {
            using (var buffer = new PooledBufferWriter(size))
            {
                try
                {
                    for (var i = 0; i < puts.Count; i++)
                    {
                        pointers[i] = buffer.WrittenCount;
                        LogRecord.WritePut(buffer, transaction.Id, puts[i], LogRecord.PutSize(puts[i]));
                    }

                    foreach (var take in takes)
                    {
                        LogRecord.WriteTake(buffer, transaction.Id, take.Pointer);
                    }

                    LogRecord.WriteCommit(buffer, transaction.Id, Interlocked.Increment(ref _nextCommitSequence), puts.Count, takes.Count);
                    write = log.Append(buffer.WrittenSpan);
                }
                catch (IOException e)
                {
                    EventBuffer.Adjust(puts, -1);
                    Release(net);
                    throw new FileChannelException($"channel {Name}: cannot write to {log.Directory}: {e.Message}", e);
                }
                catch
                {
                    EventBuffer.Adjust(puts, -1);
                    Release(net);
                    throw;
                }
            }

            for (var i = 0; i < puts.Count; i++)
            {
                pointers[i] = EventPointer.Create(write.FileId, write.Offset + pointers[i]);
            }

            if (_options.FsyncPerTransaction)
            {
                try
                {
                    await log.SyncAsync(write);
                }
                catch (IOException e)
                {
                    lock (_lock)
                    {
                        log.Applied(write);
                    }

                    EventBuffer.Adjust(puts, -1);
                    Release(net);
                    throw new FileChannelException($"channel {Name}: {e.Message}", e);
                }
            }

            Apply(log, write, puts, pointers, takes, net);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(pointers);
        }
    }

    internal void Rollback(List<Entry> takes)
    {
        if (takes.Count == 0)
        {
            return;
        }

        TaskCompletionSource woken;
        lock (_lock)
        {
            for (var i = takes.Count - 1; i >= 0; i--)
            {
                _inflightTakes.Remove(takes[i].Pointer);
                _queue.AddFirst(new Entry(takes[i].Pointer, null));
            }

            woken = SwapSignal(ref _eventsAvailable);
        }

        // The events went back without their cached copy (a retake reads them from the log): their buffers are free.
        EventBuffer.Adjust(takes, static take => take.Event?.Buffer, -1);
        woken.TrySetResult();
    }

    internal int TransactionCapacity => _options.TransactionCapacity;

    /// <summary>Free put or take lists kept: one per concurrent transaction is enough.</summary>
    private const int RetainedLists = 16;

    /// <summary>Reused put lists of transactions.</summary>
    internal ListPool<FlumeEvent> PutLists { get; } = new(RetainedLists, 0);

    /// <summary>Reused take lists of transactions.</summary>
    internal ListPool<Entry> TakeLists { get; } = new(RetainedLists, 0);

    private static int EstimateSize(List<FlumeEvent> puts, int takes)
    {
        var size = LogRecord.CommitSize + (takes * LogRecord.TakeSize);
        foreach (var put in puts)
        {
            size += LogRecord.HeaderSize + LogRecord.BodyPrefix + 16 + put.Body.Length + (put.HeaderCount * 32);
        }

        return size;
    }

    private static TaskCompletionSource SwapSignal(ref TaskCompletionSource signal)
    {
        var old = signal;
        signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return old;
    }

    private void Apply(DataLog log, DataLog.PendingWrite write, List<FlumeEvent> puts, long[] pointers, List<Entry> takes, int net)
    {
        TaskCompletionSource? events = null;
        TaskCompletionSource? space = null;
        lock (_lock)
        {
            for (var i = 0; i < puts.Count; i++)
            {
                var cache = _cachedBytes + puts[i].Body.Length <= _options.EventCacheBytes;
                if (cache)
                {
                    _cachedBytes += puts[i].Body.Length;
                }
                else
                {
                    puts[i].Buffer?.Release();
                }

                _queue.AddLast(new Entry(pointers[i], cache ? puts[i] : null));
            }

            foreach (var take in takes)
            {
                _inflightTakes.Remove(take.Pointer);
            }

            if (net > 0)
            {
                _reserved -= net;
            }

            log.Applied(write);
            if (puts.Count > 0)
            {
                events = SwapSignal(ref _eventsAvailable);
            }

            if (takes.Count > 0)
            {
                space = SwapSignal(ref _spaceAvailable);
            }
        }

        // The sink is done with the events it took once their take commits: their borrowed buffers are free.
        EventBuffer.Adjust(takes, static take => take.Event?.Buffer, -1);
        events?.TrySetResult();
        space?.TrySetResult();
    }

    private async ValueTask ReserveAsync(int count, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetTimestamp() + (long)(_options.KeepAlive.TotalSeconds * _timeProvider.TimestampFrequency);
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_queue.Count + _inflightTakes.Count + _reserved + count <= _options.Capacity)
                {
                    _reserved += count;
                    return;
                }

                var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    throw new FileChannelFullException(
                        $"channel {Name}: no space for {count} more events (capacity {_options.Capacity}) within keep-alive " +
                        $"{_options.KeepAlive.TotalSeconds:0.###} s; sinks are likely not keeping up with sources, or capacity is too small");
                }

                wait = _spaceAvailable.Task.WaitAsync(remaining, _timeProvider, cancellationToken);
            }

            try
            {
                await wait;
            }
            catch (TimeoutException)
            {
                // Checked again under the lock, which reports the failure.
            }
        }
    }

    private void Release(int net)
    {
        if (net <= 0)
        {
            return;
        }

        TaskCompletionSource space;
        lock (_lock)
        {
            _reserved -= net;
            space = SwapSignal(ref _spaceAvailable);
        }

        space.TrySetResult();
    }

    /// <summary>
    /// Bytes that taking back one held event may write: its take record, a commit of its own (a sink that takes one
    /// event per transaction, as Flume's logger sink does) and its entry in the next checkpoint.
    /// </summary>
    internal const int DrainBytesPerEvent = LogRecord.TakeSize + LogRecord.CommitSize + sizeof(long);

    /// <summary>
    /// Refuses a put of <paramref name="commitBytes"/> unless every data directory keeps free, after it and after the
    /// zeros its log may write ahead next (<see cref="DataLog.PreallocationBytes"/>), minimumRequiredSpace or, when
    /// more, <see cref="DrainBytesPerEvent"/> for every event the channel would then hold. That space is what takes and
    /// checkpoints need, so a disk that fills up still drains.
    /// </summary>
    private void CheckFreeSpace(int commitBytes, int putCount)
    {
        long held;
        lock (_lock)
        {
            held = (long)_queue.Count + _inflightTakes.Count + _reserved + putCount;
        }

        var drainBytes = held * DrainBytesPerEvent;
        var keep = Math.Max(_options.MinimumRequiredSpace, drainBytes);
        string? low = null;
        long lowFree = 0;
        lock (_spaceLock)
        {
            // Asking the file system on every commit would cost a syscall per batch: it is asked every 250 ms, and in
            // between each reading is lowered by what the logs have grown since, whatever the write rate.
            var now = _timeProvider.GetTimestamp();
            var growth = 0L;
            foreach (var log in _logs)
            {
                growth += log.Growth;
            }

            if (_freeSpaceCheckedAt == long.MinValue || _timeProvider.GetElapsedTime(_freeSpaceCheckedAt, now) >= TimeSpan.FromMilliseconds(250))
            {
                for (var i = 0; i < _logs.Length; i++)
                {
                    _freeAtCheck[i] = _options.FreeSpace(_logs[i].Directory);
                }

                _growthAtCheck = growth;
                _freeSpaceCheckedAt = now;
            }

            for (var i = 0; i < _logs.Length; i++)
            {
                // Every log's growth counts against every directory: they may share a file system.
                var free = _freeAtCheck[i] - (growth - _growthAtCheck);
                if (free - DataLog.PreallocationBytes - commitBytes < keep)
                {
                    low = _logs[i].Directory;
                    lowFree = free;
                    break;
                }
            }

            if (low is null && _lowSpaceDirectory is not null)
            {
                LogSpaceRecovered(Name, _lowSpaceDirectory);
            }

            _lowSpaceDirectory = low;
        }

        if (low is not null)
        {
            var kept = drainBytes > _options.MinimumRequiredSpace
                ? $"the {drainBytes} bytes needed to take back the {held} events it would hold (more than minimumRequiredSpace, {_options.MinimumRequiredSpace} bytes)"
                : $"minimumRequiredSpace ({_options.MinimumRequiredSpace} bytes)";
            throw new FileChannelException(
                $"channel {Name}: free space in {low} (about {Math.Max(lowFree, 0)} bytes) would fall below {kept} " +
                $"with this put and the log's next {DataLog.PreallocationBytes} bytes; puts are refused until space returns, takes continue");
        }
    }

    private void DisposeLogs(bool abandon = false)
    {
        foreach (var log in _logs)
        {
            if (abandon)
            {
                log.Abandon();
            }
            else
            {
                log.Dispose();
            }
        }

        _reader.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "channel {Channel}: the event at log-{FileId} offset {Offset} cannot be read ({Reason}); it is dropped")]
    private partial void LogUnreadableEvent(string channel, int fileId, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel}: free space in {Directory} is back above minimumRequiredSpace; puts accepted again")]
    private partial void LogSpaceRecovered(string channel, string directory);

    /// <summary>A queued event: where it is on disk, and the event itself while the memory budget allows.</summary>
    internal readonly record struct Entry(long Pointer, FlumeEvent? Event);
}
