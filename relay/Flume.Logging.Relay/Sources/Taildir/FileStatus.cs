using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>
/// The inode, size and modification time of a file, read with Linux's <c>statx(2)</c>.
/// </summary>
/// <remarks>
/// .NET exposes no inode number. <c>statx</c> is used rather than <c>stat</c> because its result layout is the same
/// on every Linux architecture (x86-64, arm64, ...), where <c>struct stat</c> differs per architecture and older
/// glibc exports <c>stat</c> only as <c>__xstat</c>; it has been in the kernel since 4.11 and glibc since 2.28.
/// Reading <c>/proc</c> or running <c>stat(1)</c> would cost a file read or a process per file and poll. Like
/// Flume's taildir source (which reads <c>unix:ino</c>), this works on Linux only.
/// </remarks>
internal static partial class FileStatus
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxMtime = 0x40;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    /// <summary>Whether inodes can be read here (Linux only).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The status of the file at <paramref name="path"/>, or null when it no longer exists.</summary>
    /// <exception cref="IOException">The file exists but cannot be examined.</exception>
    public static Status? TryGet(string path)
    {
        if (statx(AtFdCwd, path, 0, StatxIno | StatxSize | StatxMtime, out var buffer) == 0)
        {
            return new Status(unchecked((long)buffer.Ino), unchecked((long)buffer.Size), buffer.MtimeSeconds);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Enoent or Enotdir ? null : throw Failure(path, errno);
    }

    /// <summary>The inode of the file an open handle refers to, whatever its name is now (or if it has none).</summary>
    /// <exception cref="IOException">The handle cannot be examined.</exception>
    public static long InodeOf(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = checked((int)handle.DangerousGetHandle());
            return statx(fd, "", AtEmptyPath, StatxIno, out var buffer) == 0
                ? unchecked((long)buffer.Ino)
                : throw Failure(path, Marshal.GetLastPInvokeError());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static IOException Failure(string path, int errno) =>
        new($"statx {path} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>A file's identity and the facts that say it changed.</summary>
    /// <param name="Inode">The inode number, which survives a rename.</param>
    /// <param name="Size">The size in bytes.</param>
    /// <param name="MtimeSeconds">The modification time, whole seconds since the epoch.</param>
    internal readonly record struct Status(long Inode, long Size, long MtimeSeconds);

    /// <summary><c>struct statx</c> (linux/stat.h): 256 bytes, the same on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(40)]
        public ulong Size;

        /// <summary><c>stx_mtime.tv_sec</c>.</summary>
        [FieldOffset(112)]
        public long MtimeSeconds;
    }
}
