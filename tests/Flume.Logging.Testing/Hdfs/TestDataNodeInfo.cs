namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// What the test NameNode knows of one test DataNode: the identity and transfer address it hands to clients in block
/// locations, and a view of the replicas the DataNode holds, so the NameNode can answer <c>complete</c> and
/// <c>getBlockLocations</c> from what the DataNode actually stored, as a real NameNode does from block reports.
/// </summary>
/// <param name="Uuid">The DataNode's UUID (<c>DatanodeIDProto.datanodeUuid</c>).</param>
/// <param name="TransferPort">The loopback port the DataNode's DataTransferProtocol server listens on.</param>
/// <param name="Replicas">The DataNode's replicas.</param>
public sealed record TestDataNodeInfo(string Uuid, int TransferPort, ITestReplicaView Replicas);
