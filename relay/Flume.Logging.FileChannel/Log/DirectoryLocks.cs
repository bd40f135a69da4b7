namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// Exclusive <c>in_use.lock</c> files in the checkpoint and data directories, as Flume keeps, so a second process
/// (or a second channel configured with the same folders) fails at start instead of corrupting the log.
/// </summary>
internal sealed class DirectoryLocks : IDisposable
{
    private const string LockName = "in_use.lock";
    private readonly List<FileStream> _locks;

    private DirectoryLocks(List<FileStream> locks)
    {
        _locks = locks;
    }

    public static DirectoryLocks Acquire(string channel, FileChannelOptions options)
    {
        var directories = new List<string> { options.CheckpointDir };
        directories.AddRange(options.EffectiveDataDirs);
        if (options.UseDualCheckpoints && options.BackupCheckpointDir is not null)
        {
            directories.Add(options.BackupCheckpointDir);
        }

        var locks = new List<FileStream>();
        try
        {
            foreach (var directory in directories.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
            {
                try
                {
                    Directory.CreateDirectory(directory);
                    locks.Add(new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException e) when (e is not DirectoryNotFoundException)
                {
                    throw new FileChannelException($"channel {channel}: {directory} is in use by another channel or process ({e.Message})", e);
                }
                catch (UnauthorizedAccessException e)
                {
                    throw new FileChannelException($"channel {channel}: cannot use {directory}: {e.Message}", e);
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

    public void Dispose()
    {
        foreach (var held in _locks)
        {
            held.Dispose();
        }
    }
}
