using Google.Protobuf;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// The namespace, leases and id counters of a test NameNode, shared by both NameNodes of an HA pair as a real pair
/// shares them through its edit log, so a file created on one is there after a failover to the other.
/// </summary>
internal sealed class TestNamespaceState
{
    public Lock Lock { get; } = new();

    public Dictionary<string, TestInode> Inodes { get; } = new(StringComparer.Ordinal);

    public Dictionary<ulong, TestInode> FilesById { get; } = [];

    public Dictionary<string, DateTimeOffset> LeaseRenewals { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers of at-most-once calls by client id and call id, shared by an HA pair like Hadoop's retry cache.</summary>
    public Dictionary<(ByteString ClientId, int CallId), IMessage> RetryCache { get; } = [];

    /// <summary>The next inode id; Hadoop's root is 16385.</summary>
    public ulong NextInodeId { get; set; } = 16385;

    /// <summary>The next block id; Hadoop's first block ids sit just above 2^30.</summary>
    public long NextBlockId { get; set; } = 1L << 30;

    public long NextGenerationStamp { get; set; } = 1001;
}
