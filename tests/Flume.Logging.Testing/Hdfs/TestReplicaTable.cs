using System.Collections.Concurrent;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// A replica view a test fills in by hand, for NameNode tests that need no real DataNode: "this node holds block B
/// with N bytes, finalized or not".
/// </summary>
public sealed class TestReplicaTable : ITestReplicaView
{
    private readonly ConcurrentDictionary<long, TestReplica> _replicas = new();

    /// <inheritdoc/>
    public TestReplica? Find(long blockId) => _replicas.GetValueOrDefault(blockId);

    /// <summary>Records (or replaces) the replica of <paramref name="replica"/>'s block.</summary>
    public void Put(TestReplica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        _replicas[replica.BlockId] = replica;
    }
}
