using Flume.Logging.FileChannel.Log;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.FileChannel;

/// <summary>Checkpoints: bound the replay after a crash, and free log files whose events are all taken.</summary>
public sealed partial class FileEventQueue
{
    private readonly Lock _checkpointLock = new();

    private void WriteCheckpoint()
    {
        lock (_checkpointLock)
        {
            var referenced = WriteCheckpointOnce();

            // Puts refused for lack of space: a file being written whose events are all taken would only be freed at
            // maxFileSize, which needs the puts it prevents. Start new files and checkpoint again to delete it now.
            if (Volatile.Read(ref _lowSpaceDirectory) is not null && RollSettledLogs(referenced))
            {
                WriteCheckpointOnce();
            }
        }
    }

    private bool RollSettledLogs(HashSet<int> referenced)
    {
        var rolled = false;
        foreach (var log in _logs)
        {
            var current = log.CurrentFileId;
            if (!referenced.Contains(current) && log.RollIfSettled())
            {
                LogRolledForSpace(Name, log.Directory, current);
                rolled = true;
            }
        }

        return rolled;
    }

    /// <summary>Writes one checkpoint and deletes the files it no longer needs; returns the files queued events are in.</summary>
    private HashSet<int> WriteCheckpointOnce()
    {
        long[] snapshot;
        var starts = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
        long nextSequence;
        long nextTransaction;
        lock (_lock)
        {
            // Taken-but-uncommitted events go first: after a crash they must come back, at the head.
            snapshot = new long[_inflightTakes.Count + _queue.Count];
            var i = 0;
            foreach (var pointer in _inflightTakes)
            {
                snapshot[i++] = pointer;
            }

            for (var q = 0; q < _queue.Count; q++)
            {
                snapshot[i++] = _queue[q].Pointer;
            }

            foreach (var log in _logs)
            {
                starts[log.Directory] = log.ReplayStart();
            }

            nextSequence = Interlocked.Read(ref _nextCommitSequence);
            nextTransaction = Interlocked.Read(ref _nextTransactionId);
        }

        // Everything before the replay starts must be on disk before a checkpoint says it need not be read.
        foreach (var log in _logs)
        {
            log.Flush();
        }

        var checkpoint = new Checkpoint(nextSequence, nextTransaction, starts, snapshot);
        checkpoint.Write(_options.CheckpointDir);
        if (_options.UseDualCheckpoints && _options.BackupCheckpointDir is not null)
        {
            checkpoint.Write(_options.BackupCheckpointDir);
        }

        return DeleteConsumedFiles(snapshot, starts);
    }

    private void CheckpointQuietly()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        try
        {
            WriteCheckpoint();
        }
        catch (IOException e)
        {
            // The previous checkpoint stays valid; a longer replay is the only cost. Try again next interval.
            LogCheckpointFailed(Name, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            LogCheckpointFailed(Name, e.Message);
        }
    }

    private HashSet<int> DeleteConsumedFiles(long[] snapshot, Dictionary<string, (int FileId, long Offset)> starts)
    {
        var referenced = new HashSet<int>();
        foreach (var pointer in snapshot)
        {
            referenced.Add(EventPointer.FileId(pointer));
        }

        foreach (var log in _logs)
        {
            var replayFrom = starts[log.Directory].FileId;
            var current = log.CurrentFileId;
            foreach (var (fileId, path) in LogFiles.List(log.Directory))
            {
                // Only files wholly before the replay start, holding no queued event, are no longer needed.
                if (fileId >= replayFrom || fileId == current || referenced.Contains(fileId))
                {
                    continue;
                }

                _reader.Forget(fileId);
                File.Delete(path);
                LogDeletedFile(Name, path);
            }
        }

        return referenced;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel {Channel}: checkpoint failed, keeping the previous one: {Reason}")]
    private partial void LogCheckpointFailed(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "channel {Channel}: space is low and no queued event is in log file {FileId} of {Directory}; started a new file so that it can be deleted")]
    private partial void LogRolledForSpace(string channel, string directory, int fileId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "channel {Channel}: deleted {Path}, all of its events are taken")]
    private partial void LogDeletedFile(string channel, string path);
}
