using System.Diagnostics;
using Flume.Logging.FileChannel.Log;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.FileChannel;

/// <summary>Rebuilding the queue at open: the last good checkpoint, then every committed transaction after it.</summary>
public sealed partial class FileEventQueue
{
    private void Replay()
    {
        var started = Stopwatch.GetTimestamp();
        var checkpoint = LoadCheckpoint();
        var committed = new List<CommittedTransaction>();
        var open = new Dictionary<long, CommittedTransaction>();
        var maxFileId = 0;
        var maxTransaction = checkpoint?.NextTransactionId ?? 0;
        var maxSequence = checkpoint?.NextCommitSequence ?? 0;
        var scannedBytes = 0L;
        var ends = new (int FileId, long Length)[_logs.Length];

        for (var l = 0; l < _logs.Length; l++)
        {
            var directory = _logs[l].Directory;
            Directory.CreateDirectory(directory);
            var files = LogFiles.List(directory);
            var start = checkpoint?.ReplayStarts.TryGetValue(directory, out var known) == true ? known : (FileId: 0, Offset: 0L);
            ends[l] = (0, 0);
            foreach (var (fileId, path) in files)
            {
                maxFileId = Math.Max(maxFileId, fileId);
                if (fileId < start.FileId)
                {
                    continue;
                }

                var from = fileId == start.FileId ? start.Offset : 0;
                var result = LogScanner.Scan(path, from, (type, txId, payload, offset) =>
                {
                    maxTransaction = Math.Max(maxTransaction, txId);
                    if (!open.TryGetValue(txId, out var transaction))
                    {
                        transaction = new CommittedTransaction();
                        open[txId] = transaction;
                    }

                    switch (type)
                    {
                        case RecordType.Put:
                            transaction.Puts.Add(EventPointer.Create(fileId, offset));
                            break;
                        case RecordType.Take:
                            transaction.Takes.Add(LogRecord.ReadTake(payload));
                            break;
                        case RecordType.Commit:
                            transaction.Sequence = LogRecord.ReadCommit(payload).Sequence;
                            maxSequence = Math.Max(maxSequence, transaction.Sequence);
                            committed.Add(transaction);
                            open.Remove(txId);
                            break;
                        default:
                            open.Remove(txId);
                            break;
                    }
                });

                switch (result.End)
                {
                    case ScanEnd.Corrupt:
                        throw new FileChannelException(
                            $"channel {Name}: {path} is corrupt at offset {result.Offset} (valid records resume at {result.NextValidOffset}); " +
                            "run 'relay check-channel --repair' with this channel's directories to drop the damaged records");
                    case ScanEnd.TornTail:
                        LogTornTail(Name, path, result.Offset);
                        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
                        {
                            RandomAccess.SetLength(handle, result.Offset);
                            RandomAccess.FlushToDisk(handle);
                        }

                        break;
                }

                scannedBytes += result.Offset - from;
                ends[l] = (fileId, result.Offset);
            }
        }

        // Transactions of different directories interleave; their commit sequence is the global order.
        committed.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var queue = new List<long>(checkpoint?.Queue ?? []);
        var taken = new HashSet<long>();
        foreach (var transaction in committed)
        {
            queue.AddRange(transaction.Puts);
            foreach (var pointer in transaction.Takes)
            {
                taken.Add(pointer);
            }
        }

        foreach (var pointer in queue)
        {
            if (!taken.Contains(pointer))
            {
                _queue.AddLast(new Entry(pointer, null));
            }
        }

        _nextFileId = maxFileId;
        _nextTransactionId = maxTransaction + 1;
        _nextCommitSequence = maxSequence + 1;
        for (var l = 0; l < _logs.Length; l++)
        {
            var (fileId, length) = ends[l];
            if (fileId == 0 || length >= _options.MaxFileSize)
            {
                fileId = Interlocked.Increment(ref _nextFileId);
                length = 0;
            }

            _logs[l].Open(fileId, length);
        }

        if (_queue.Count > _options.Capacity)
        {
            LogOverCapacity(Name, _queue.Count, _options.Capacity);
        }

        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogReplayed(Name, _queue.Count, committed.Count, scannedBytes, elapsedMs, checkpoint is not null);

        // A fresh checkpoint makes the next start quick and lets fully consumed log files go.
        WriteCheckpoint();
    }

    private Checkpoint? LoadCheckpoint()
    {
        var directories = new List<string> { _options.CheckpointDir };
        if (_options.UseDualCheckpoints && _options.BackupCheckpointDir is not null)
        {
            directories.Add(_options.BackupCheckpointDir);
        }

        foreach (var directory in directories)
        {
            try
            {
                if (Log.Checkpoint.Read(directory) is { } checkpoint)
                {
                    return checkpoint;
                }
            }
            catch (InvalidDataException e)
            {
                LogBadCheckpoint(Name, e.Message);
            }
        }

        LogNoCheckpoint(Name);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: {Path} ends in a torn record at offset {Offset} (an interrupted write); it is cut off there")]
    private partial void LogTornTail(string channel, string path, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: holds {Count} events, more than its capacity {Capacity}; puts wait until sinks drain it")]
    private partial void LogOverCapacity(string channel, int count, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: checkpoint unusable ({Reason})")]
    private partial void LogBadCheckpoint(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel}: no checkpoint, replaying every log file")]
    private partial void LogNoCheckpoint(string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel}: replayed {Events} events ({Transactions} transactions, {Bytes} log bytes) in {Ms:0} ms (checkpoint used: {FromCheckpoint})")]
    private partial void LogReplayed(string channel, int events, int transactions, long bytes, double ms, bool fromCheckpoint);

    private sealed class CommittedTransaction
    {
        public long Sequence { get; set; }

        public List<long> Puts { get; } = [];

        public List<long> Takes { get; } = [];
    }
}
