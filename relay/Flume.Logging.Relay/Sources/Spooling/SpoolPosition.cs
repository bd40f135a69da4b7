namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// How far a file has been committed: the file's identity when it was picked up (path, size, last-write time)
/// and the byte offset of the next unread event.
/// </summary>
internal readonly record struct SpoolPosition(string Path, long Size, long LastWriteTicks, long Offset)
{
    /// <summary>Whether <paramref name="file"/> is still the file this position was taken from.</summary>
    public bool IsSameFile(FileInfo file) =>
        file.Exists && file.Length == Size && file.LastWriteTimeUtc.Ticks == LastWriteTicks;
}
