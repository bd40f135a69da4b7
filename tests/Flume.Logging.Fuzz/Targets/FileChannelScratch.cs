using Flume.Logging.FileChannel;
using Flume.Logging.FileChannel.Log;
using Flume.Logging.Protocol;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// A file channel's directories for one fuzz run (in shared memory when there is some, so runs are quick), made
/// empty before each input, and the replay a restarted relay does over them.
/// </summary>
internal static class FileChannelScratch
{
    private static readonly string Root = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"flume-fuzz-{Environment.ProcessId}");

    public static string CheckpointDir => Path.Combine(Root, "checkpoint");

    public static string DataDir => Path.Combine(Root, "data");

    public static FileChannelOptions Options()
    {
        var options = new FileChannelOptions
        {
            CheckpointDir = CheckpointDir,
            MinimumRequiredSpace = 0,
            CheckpointInterval = TimeSpan.FromHours(1),
            FsyncPerTransaction = false,
        };
        options.DataDirs.Add(DataDir);
        return options;
    }

    /// <summary>Empties both directories.</summary>
    public static void Reset()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        Directory.CreateDirectory(CheckpointDir);
        Directory.CreateDirectory(DataDir);
    }

    /// <summary>
    /// Opens the channel over what the directories hold, as a restart does, and takes every event it replays. A
    /// <see cref="FileChannelException"/> naming the file is the expected answer to damage replay cannot skip.
    /// </summary>
    public static void ReplayAndTake()
    {
        try
        {
            var queue = FileEventQueue.Open("c1", Options());
            try
            {
                using var transaction = queue.BeginTransaction();
                for (var i = 0; i < 10_000 && transaction.Take() is { } flumeEvent; i++)
                {
                    AcceptingReceiver.Touch(flumeEvent);
                }
            }
            finally
            {
                queue.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (FileChannelException)
        {
            // Refused with the file and offset named: what damage must get.
        }
    }

    /// <summary>A real channel's files after three puts, one take and a checkpoint, then one more put: (log, checkpoint).</summary>
    public static (byte[] Log, byte[] Checkpoint) Sample()
    {
        Reset();
        var options = Options();
        options.CheckpointOnClose = false;
        var queue = FileEventQueue.Open("c1", options);
        try
        {
            Commit(queue, t =>
            {
                t.Put(FlumeEvent.FromText("one"));
                t.Put(FlumeEvent.FromText("two", new Dictionary<string, string> { ["host"] = "web-1" }));
                t.Put(FlumeEvent.FromText(""));
            });
            Commit(queue, t => t.Take());
            queue.Checkpoint();
            Commit(queue, t => t.Put(FlumeEvent.FromText("after the checkpoint")));
        }
        finally
        {
            queue.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var log = File.ReadAllBytes(Directory.GetFiles(DataDir, "log-*").Single());
        var checkpoint = File.ReadAllBytes(Path.Combine(CheckpointDir, Checkpoint.FileName));
        return (log, checkpoint);
    }

    private static void Commit(FileEventQueue queue, Action<FileQueueTransaction> work)
    {
        using var transaction = queue.BeginTransaction();
        work(transaction);
        transaction.CommitAsync().AsTask().GetAwaiter().GetResult();
    }
}
