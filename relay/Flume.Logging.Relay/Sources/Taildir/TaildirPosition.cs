namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>One entry of the position file: a file's inode, its absolute path, and the offset committed up to.</summary>
internal readonly record struct TaildirPosition(long Inode, long Pos, string File);
