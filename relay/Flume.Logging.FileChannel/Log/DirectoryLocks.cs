namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// Exclusive <c>in_use.lock</c> files in the checkpoint and data directories, as Flume keeps, so a second process
/// (or a second channel configured with the same folders) fails at start instead of corrupting the log.
/// </summary>
internal sealed class DirectoryLocks : IDisposable
{
    private const string LockName = "in_use.lock";

    // ERROR_SHARING_VIOLATION as an HRESULT: what Windows reports for a file another handle holds.
    private const int SharingViolation = unchecked((int)0x80070020);
    private readonly List<FileStream> _locks;

    private DirectoryLocks(List<FileStream> locks)
    {
        _locks = locks;
    }

    /// <summary>
    /// Locks the channel's directories. With <paramref name="create"/> (a channel opening) missing ones are created
    /// first; without it (a check of a stopped channel, which writes nothing new) they are passed over. Errors open with
    /// <paramref name="owner"/> when given (for example "channel c1").
    /// </summary>
    public static DirectoryLocks Acquire(string? owner, FileChannelOptions options, bool create)
    {
        var prefix = owner is null ? "" : owner + ": ";
        // Each folder with the setting that names it, for the errors.
        var directories = new List<(string Key, string Path)> { ("checkpointDir", options.CheckpointDir) };
        foreach (var data in options.EffectiveDataDirs)
        {
            directories.Add(("dataDirs", data));
        }

        if (options.UseDualCheckpoints && options.BackupCheckpointDir is not null)
        {
            directories.Add(("backupCheckpointDir", options.BackupCheckpointDir));
        }

        var locks = new List<FileStream>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, configured) in directories)
            {
                var directory = Path.GetFullPath(configured);
                if (!seen.Add(directory) || (!create && !Directory.Exists(directory)))
                {
                    continue;
                }

                try
                {
                    Directory.CreateDirectory(directory);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new FileChannelException($"{prefix}cannot create the {key} folder {directory} ({e.Message})", e);
                }

                var path = Path.Combine(directory, LockName);
                try
                {
                    locks.Add(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException e) when (IsHeldElsewhere(e))
                {
                    throw new FileChannelException($"{prefix}{directory} is in use by another channel or process ({e.Message})", e);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new FileChannelException($"{prefix}cannot create the lock file {path} ({e.Message})", e);
                }
            }

            return new DirectoryLocks(locks);
        }
        catch
        {
            foreach (var held in locks)
            {
                held.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Whether opening the lock file failed because another handle holds it: a sharing violation on Windows, the
    /// refused <c>flock</c> (EWOULDBLOCK: 11 on Linux, 35 on macOS) elsewhere. Other failures (a read-only or full disk,
    /// a path that cannot be created) say something else and are reported as they are.
    /// </summary>
    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is SharingViolation or 11 or 35;

    public void Dispose()
    {
        foreach (var held in _locks)
        {
            held.Dispose();
        }
    }
}
