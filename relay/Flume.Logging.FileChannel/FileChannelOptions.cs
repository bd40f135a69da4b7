using Microsoft.Win32.SafeHandles;

namespace Flume.Logging.FileChannel;

/// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of the file behind <paramref name="handle"/>.</summary>
internal delegate void WriteAt(SafeFileHandle handle, ReadOnlySpan<byte> bytes, long offset);

/// <summary>
/// Settings of the durable file channel, with Flume's <c>file</c> channel property names and defaults.
/// Validated by <see cref="Validate"/> when the channel opens.
/// </summary>
public sealed class FileChannelOptions
{
    /// <summary><c>checkpointDir</c>: where the checkpoint lives. Default: <c>~/.flume/file-channel/checkpoint</c>.</summary>
    public string CheckpointDir { get; set; } = Path.Combine(Home, ".flume", "file-channel", "checkpoint");

    /// <summary><c>dataDirs</c>: where log files live; transactions are spread across all of them. Default: <c>~/.flume/file-channel/data</c>.</summary>
    public IList<string> DataDirs { get; } = new List<string>();

    /// <summary><c>capacity</c>: most events held, including events taken but not committed. Default: 1000000.</summary>
    public int Capacity { get; set; } = 1_000_000;

    /// <summary><c>transactionCapacity</c>: most puts or takes in one transaction. Default: 10000.</summary>
    public int TransactionCapacity { get; set; } = 10_000;

    /// <summary><c>checkpointInterval</c>: time between checkpoints, which bound replay and free log files. Default: 30 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(30_000);

    /// <summary><c>maxFileSize</c>: bytes after which a new log file is started. Default: 2146435071.</summary>
    public long MaxFileSize { get; set; } = 2_146_435_071;

    /// <summary>
    /// <c>minimumRequiredSpace</c>: free bytes a data directory keeps for takes and checkpoints, or more when the
    /// events held need more to be taken back (74 bytes each at most): a put that would leave less, counting the
    /// megabyte the log writes ahead, fails until space returns, while takes still work. Default: 524288000.
    /// </summary>
    public long MinimumRequiredSpace { get; set; } = 524_288_000;

    /// <summary><c>keep-alive</c>: how long a commit waits for room before failing. Default: 3 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary><c>useDualCheckpoints</c>: also keep a copy of each checkpoint in <see cref="BackupCheckpointDir"/>. Default: false.</summary>
    public bool UseDualCheckpoints { get; set; }

    /// <summary><c>backupCheckpointDir</c>: where the backup checkpoint lives; required with dual checkpoints.</summary>
    public string? BackupCheckpointDir { get; set; }

    /// <summary><c>checkpointOnClose</c>: write a checkpoint when the channel closes, so the next start replays nothing. Default: true.</summary>
    public bool CheckpointOnClose { get; set; } = true;

    /// <summary>
    /// <c>fsyncPerTransaction</c>: a commit returns only once its records are on disk (shared among concurrent
    /// commits). When false, data reaches the disk at checkpoints and file rolls only. Default: true.
    /// </summary>
    public bool FsyncPerTransaction { get; set; } = true;

    /// <summary>
    /// Bytes of event bodies kept in memory so takes need not read the disk; events beyond it are read back
    /// from the log. Not a Flume property. Default: 64 MiB. In the relay, a cached event whose body an avro or thrift
    /// source lent from its request buffer keeps that whole buffer (rounded up to a power of two by the pool) until its
    /// take commits, so the memory held can exceed this figure, by up to about twice.
    /// </summary>
    public long EventCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How free space is measured; replaced by tests to simulate a full disk.</summary>
    internal Func<string, long> FreeSpace { get; set; } = static directory => new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;

    /// <summary>How log bytes reach the file; replaced by tests to inject write failures such as a full disk.</summary>
    internal WriteAt Writer { get; set; } = static (handle, bytes, offset) => RandomAccess.Write(handle, bytes, offset);

    /// <summary>The data directories in effect: the configured ones, or Flume's default.</summary>
    internal IReadOnlyList<string> EffectiveDataDirs =>
        DataDirs.Count > 0 ? [.. DataDirs] : [Path.Combine(Home, ".flume", "file-channel", "data")];

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid property: its message opens with the property's
    /// Flume name, which is also the exception's <see cref="ArgumentException.ParamName"/>.
    /// </summary>
    public void Validate()
    {
        if (Capacity < 1)
        {
            throw new ArgumentException($"capacity must be at least 1 (got {Capacity})", "capacity");
        }

        if (TransactionCapacity < 1 || TransactionCapacity > Capacity)
        {
            throw new ArgumentException($"transactionCapacity must be 1-{Capacity} (got {TransactionCapacity})", "transactionCapacity");
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("checkpointInterval must be positive", "checkpointInterval");
        }

        if (MaxFileSize is < 1024 * 1024 or > int.MaxValue)
        {
            throw new ArgumentException($"maxFileSize must be 1048576-{int.MaxValue} (got {MaxFileSize})", "maxFileSize");
        }

        if (MinimumRequiredSpace < 0)
        {
            throw new ArgumentException("minimumRequiredSpace must not be negative", "minimumRequiredSpace");
        }

        if (KeepAlive < TimeSpan.Zero)
        {
            throw new ArgumentException("keep-alive must not be negative", "keep-alive");
        }

        if (UseDualCheckpoints && string.IsNullOrWhiteSpace(BackupCheckpointDir))
        {
            throw new ArgumentException("backupCheckpointDir is required when useDualCheckpoints is true", "backupCheckpointDir");
        }

        var checkpoint = Path.GetFullPath(CheckpointDir);
        foreach (var data in EffectiveDataDirs)
        {
            if (string.Equals(Path.GetFullPath(data), checkpoint, StringComparison.Ordinal))
            {
                throw new ArgumentException($"dataDirs must not include checkpointDir ({CheckpointDir})", "dataDirs");
            }

            if (BackupCheckpointDir is not null && string.Equals(Path.GetFullPath(data), Path.GetFullPath(BackupCheckpointDir), StringComparison.Ordinal))
            {
                throw new ArgumentException($"backupCheckpointDir must not be a data directory ({BackupCheckpointDir})", "backupCheckpointDir");
            }
        }
    }
}
