namespace Flume.Logging.Testing.Hdfs;

/// <summary>A test DataNode's replicas as its NameNode sees them (a block report, read on demand).</summary>
public interface ITestReplicaView
{
    /// <summary>The replica of <paramref name="blockId"/>, or null when this DataNode holds none.</summary>
    TestReplica? Find(long blockId);
}

/// <summary>One replica on a test DataNode.</summary>
/// <param name="BlockId">The block id.</param>
/// <param name="GenerationStamp">The generation stamp the replica was last written or recovered with.</param>
/// <param name="Length">Bytes received and acknowledged so far.</param>
/// <param name="Finalized">True once the writer sent the block's last packet (the block is complete on this node).</param>
public sealed record TestReplica(long BlockId, long GenerationStamp, long Length, bool Finalized);
