namespace Flume.Logging.Testing.Hdfs;

/// <summary>A file or directory in the test NameNode's namespace.</summary>
internal sealed class TestInode
{
    public required string Path { get; set; }

    public required ulong Id { get; init; }

    public required bool IsDirectory { get; init; }

    public required string Owner { get; init; }

    public required uint Permission { get; set; }

    public required ulong ModificationTime { get; set; }

    public uint Replication { get; init; }

    public ulong BlockSize { get; init; }

    public List<TestBlock> Blocks { get; } = [];

    /// <summary>The client writing the file, while it is under construction; null once closed.</summary>
    public string? LeaseHolder { get; set; }

    /// <summary>True once <c>recoverLease</c> took the lease from its writer and is closing the file.</summary>
    public bool RecoveryStarted { get; set; }

    public string Name => Path == "/" ? string.Empty : Path[(Path.LastIndexOf('/') + 1)..];
}
