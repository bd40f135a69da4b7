using Microsoft.Win32.SafeHandles;

namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// The append-only log of one data directory. Writers append whole transactions under a lock; durability is a
/// group commit: whoever finds no sync running flushes the file for every transaction written so far, and
/// everyone else waits for that round, so concurrent commits share one flush.
/// </summary>
/// <remarks>
/// The file is extended with zeros ahead of the records (as Flume's log writer preallocates), so most commits
/// write into blocks the file already has: their flush writes data pages only, with no block allocation and no
/// size change (fdatasync skips the timestamps). On this project's 2-core ext4 machine that halved the median
/// commit latency under load. The zeros are written in the background, a megabyte at a time, before the records
/// reach them: done under the write lock, that write took 3-5 ms and stalled every writer. The commit whose flush
/// carries a new megabyte takes longer (about 1 ms on its own). A crash leaves zeros after the last record, which
/// replay reads as the end of the log; a roll and a clean close cut them off again.
/// </remarks>
internal sealed class DataLog : IDisposable
{
    /// <summary>
    /// How much flushed log accumulates before its pages are dropped from the OS page cache. The channel keeps recent
    /// events in memory itself; left in the cache, a log written at 60 MB/s grew the cache by gigabytes and cut the
    /// file channel from about 700,000 to 500,000 events/s within 20 s on this project's machine.
    /// </summary>
    internal const long CacheReleaseBytes = 16 * 1024 * 1024;

    /// <summary>How far ahead of the records the file is extended with zeros.</summary>
    internal const int PreallocationBytes = 1024 * 1024;

    private static readonly byte[] Zeros = new byte[PreallocationBytes];
    private readonly Func<int> _allocateFileId;
    private readonly WriteAt _write;
    private readonly long _maxFileSize;
    private readonly Lock _writeLock = new();
    private readonly Lock _syncLock = new();
    private readonly LinkedList<PendingWrite> _unapplied = new();
    private SafeFileHandle? _handle;
    private int _fileId;
    private long _position;
    private long _allocated;
    private long _extent;
    private long _growth;
    private long _uncachedUpTo;
    private Task? _fill;
    private long _fillEnd;
    private bool _rollBeforeNextWrite;
    private long _writtenTicket;
    private long _durableTicket;
    private bool _syncRunning;
    private TaskCompletionSource _syncRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DataLog(string directory, long maxFileSize, Func<int> allocateFileId, WriteAt write)
    {
        Directory = directory;
        _write = write;
        _maxFileSize = maxFileSize;
        _allocateFileId = allocateFileId;
    }

    public string Directory { get; }

    /// <summary>Continues writing at the end of an existing file (after replay), or starts a new one.</summary>
    public void Open(int fileId, long position)
    {
        lock (_writeLock)
        {
            _handle = File.OpenHandle(LogFiles.PathOf(Directory, fileId), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            _fileId = fileId;
            _position = position;
            _allocated = position;
            _extent = position;
            _uncachedUpTo = 0;
            RandomAccess.SetLength(_handle, position);
        }
    }

    /// <summary>
    /// Writes one transaction's records. Returns where they start and the ticket to wait on for durability.
    /// A failed write is cut off again so no stale bytes can follow valid records, and the error is rethrown.
    /// </summary>
    public PendingWrite Append(ReadOnlySpan<byte> records)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_handle is null, this);

            if (_rollBeforeNextWrite || (_position > 0 && _position + records.Length > _maxFileSize))
            {
                Roll();
            }

            var start = _position;
            try
            {
                Preallocate(records.Length);
                Claim(start + records.Length);
                _write(_handle, records, start);
            }
            catch (IOException)
            {
                TryCutBack(start);
                throw;
            }

            _position += records.Length;
            _allocated = Math.Max(_allocated, _position);
            var write = new PendingWrite(_fileId, start, ++_writtenTicket);
            write.Node = _unapplied.AddLast(write);
            return write;
        }
    }

    /// <summary>
    /// Bytes this log has added to its files since it was opened: records, and zeros written ahead of them. It never
    /// goes down (space given back by a trim or a deleted file is left out), so a free-space reading taken earlier,
    /// less the growth since, is at most what is free now, as far as this log is concerned.
    /// </summary>
    public long Growth => Interlocked.Read(ref _growth);

    /// <summary>Completes when everything written up to <paramref name="write"/> is on disk.</summary>
    public async ValueTask SyncAsync(PendingWrite write)
    {
        while (true)
        {
            Task round;
            long target;
            lock (_syncLock)
            {
                if (_durableTicket >= write.Ticket)
                {
                    return;
                }

                if (_syncRunning)
                {
                    round = _syncRound.Task;
                    target = -1;
                }
                else
                {
                    _syncRunning = true;
                    round = Task.CompletedTask;
                    target = Volatile.Read(ref _writtenTicket);
                }
            }

            if (target < 0)
            {
                await round;
                continue;
            }

            // The flush runs on the caller's thread: the caller waits for it anyway, and a hop to another thread
            // first cost a context switch per round.
            Exception? failure = null;
            try
            {
                FlushCurrent();
            }
            catch (IOException e)
            {
                failure = e;
            }

            TaskCompletionSource finished;
            lock (_syncLock)
            {
                if (failure is null)
                {
                    _durableTicket = Math.Max(_durableTicket, target);
                }

                _syncRunning = false;
                finished = _syncRound;
                _syncRound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            finished.SetResult();
            if (failure is not null)
            {
                // After a failed fsync Linux may have dropped the dirty pages: never write that file again.
                lock (_writeLock)
                {
                    _rollBeforeNextWrite = true;
                }

                throw new IOException($"fsync of a log file in {Directory} failed: {failure.Message}", failure);
            }
        }
    }

    /// <summary>Flushes without waiting for a commit, for checkpoints and close.</summary>
    public void Flush()
    {
        lock (_syncLock)
        {
            FlushCurrent();
            _durableTicket = Volatile.Read(ref _writtenTicket);
        }
    }

    /// <summary>Marks a write as reflected in the in-memory queue. Call while holding the channel's state lock.</summary>
    public void Applied(PendingWrite write)
    {
        lock (_writeLock)
        {
            if (write.Node?.List is not null)
            {
                _unapplied.Remove(write.Node);
            }
        }
    }

    /// <summary>
    /// Where a replay must start for this log: the first write not yet reflected in memory, else the end.
    /// Call while holding the channel's state lock, so nothing is applied meanwhile.
    /// </summary>
    public (int FileId, long Offset) ReplayStart()
    {
        lock (_writeLock)
        {
            return _unapplied.First is { } first ? (first.Value.FileId, first.Value.Offset) : (_fileId, _position);
        }
    }

    /// <summary>
    /// Starts a new file now when the current one holds records and every write to it is applied, so that a checkpoint
    /// can delete it once none of its events is queued. Otherwise the file being written stays until it reaches
    /// maxFileSize, however little of it is still needed: on a disk that ran low, that space would never come back.
    /// </summary>
    /// <returns>Whether a new file was started.</returns>
    public bool RollIfSettled()
    {
        lock (_writeLock)
        {
            if (_handle is null || _position == 0 || _unapplied.Count > 0)
            {
                return false;
            }

            Roll();
            return true;
        }
    }

    /// <summary>The file being written; a checkpoint must never delete it.</summary>
    public int CurrentFileId
    {
        get
        {
            lock (_writeLock)
            {
                return _fileId;
            }
        }
    }

    /// <summary>Closes the file, cutting off its unused zeros. A kill -9 skips this; replay copes with the zeros.</summary>
    public void Dispose() => Close(trim: true);

    /// <summary>Closes the file as a killed process would: the zeros written ahead stay.</summary>
    public void Abandon() => Close(trim: false);

    private void FlushCurrent()
    {
        SafeFileHandle? handle;
        long position;
        int fileId;
        lock (_writeLock)
        {
            handle = _handle;
            position = _position;
            fileId = _fileId;
        }

        if (handle is null || handle.IsClosed)
        {
            return;
        }

        Durability.FlushData(handle);
        long from;
        long to;
        lock (_writeLock)
        {
            if (fileId != _fileId || position - _uncachedUpTo < CacheReleaseBytes)
            {
                return;
            }

            from = _uncachedUpTo;
            to = position & ~(Durability.PageSize - 1);
            _uncachedUpTo = to;
        }

        Durability.ReleaseCache(handle, from, to - from);
    }

    private void Roll()
    {
        // Called under the write lock: everything in the old file becomes durable before the new file is used,
        // so tickets of the old file never depend on a handle that is about to be closed.
        CollectFill();
        if (_handle is not null && !_rollBeforeNextWrite)
        {
            Durability.FlushData(_handle);
            TrimUnused();
            Durability.ReleaseCache(_handle, 0, 0);
        }

        _handle?.Dispose();
        _fileId = _allocateFileId();
        _handle = File.OpenHandle(LogFiles.PathOf(Directory, _fileId), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        _position = 0;
        _allocated = 0;
        _extent = 0;
        _uncachedUpTo = 0;
        _rollBeforeNextWrite = false;
        Durability.FlushDirectory(Directory);
    }

    /// <summary>
    /// Called under the write lock before <paramref name="length"/> bytes are written at the current position.
    /// Takes in a finished fill (or waits for a running one the records would run into), then starts the next
    /// one once less than half a megabyte is left ahead, never past maxFileSize. Records that find no space
    /// ahead extend the file themselves.
    /// </summary>
    private void Preallocate(int length)
    {
        var end = _position + length;
        if (_fill is { } fill && (fill.IsCompleted || end > _allocated))
        {
            CollectFill();
        }

        if (_fill is null && _allocated - end < PreallocationBytes / 2)
        {
            var from = Math.Max(_allocated, end);
            var to = Math.Min(from + PreallocationBytes, _maxFileSize);
            if (to > from)
            {
                var handle = _handle!;
                _fillEnd = to;
                Claim(to);
                _fill = Task.Run(() => _write(handle, Zeros.AsSpan(0, (int)(to - from)), from));
            }
        }
    }

    /// <summary>Counts the file as reaching <paramref name="end"/>, adding what that takes to <see cref="Growth"/>. Under the write lock.</summary>
    private void Claim(long end)
    {
        if (end > _extent)
        {
            Interlocked.Add(ref _growth, end - _extent);
            _extent = end;
        }
    }

    /// <summary>Waits for the fill in progress, if any, and counts its space as the file's. Under the write lock.</summary>
    private void CollectFill()
    {
        if (_fill is not { } fill)
        {
            return;
        }

        _fill = null;
        try
        {
            fill.GetAwaiter().GetResult();
            _allocated = Math.Max(_allocated, _fillEnd);
        }
        catch (IOException)
        {
            // No room to write ahead (a full disk): records extend the file themselves, and report it if they fail.
        }
    }

    private void Close(bool trim)
    {
        lock (_writeLock)
        {
            CollectFill();
            if (trim)
            {
                TrimUnused();
            }

            _handle?.Dispose();
            _handle = null;
        }
    }

    /// <summary>Cuts the zeros after the last record off; they only matter while the file is written.</summary>
    private void TrimUnused()
    {
        if (_handle is null || _handle.IsClosed || _allocated <= _position)
        {
            return;
        }

        try
        {
            RandomAccess.SetLength(_handle, _position);
            _allocated = _position;
            _extent = _position;
        }
        catch (IOException)
        {
            // Harmless: replay reads trailing zeros as the end of the log.
        }
    }

    private void TryCutBack(long start)
    {
        CollectFill();
        try
        {
            RandomAccess.SetLength(_handle!, start);
            _allocated = start;
            _extent = start;
        }
        catch (IOException)
        {
            // Could not even truncate: abandon this file, the next write starts a new one.
            _rollBeforeNextWrite = true;
        }
    }

    /// <summary>A transaction's records on disk, until the channel has applied them.</summary>
    internal sealed class PendingWrite(int fileId, long offset, long ticket)
    {
        public int FileId { get; } = fileId;

        public long Offset { get; } = offset;

        public long Ticket { get; } = ticket;

        public LinkedListNode<PendingWrite>? Node { get; set; }
    }
}
