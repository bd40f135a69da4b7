using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// A DataNode failed a block operation: it answered an error status, sent a bad checksum or protocol, timed out, or
/// the connection to it was lost. Names the node so the caller can drop it from the pipeline (or read elsewhere).
/// </summary>
internal sealed class DataNodeException : IOException
{
    /// <summary>Creates the exception; the message is prefixed with the node's position and address.</summary>
    public DataNodeException(int nodeIndex, DatanodeInfoProto node, string problem, Status? status = null, Exception? innerException = null)
        : base($"DataNode {nodeIndex} ({DataNodeSocket.Address(node)}) {problem}", innerException)
    {
        NodeIndex = nodeIndex;
        Node = node;
        Status = status;
    }

    /// <summary>The failed node's index in the pipeline (0 for the one the client talks to), or in the block's locations.</summary>
    public int NodeIndex { get; }

    /// <summary>The failed node.</summary>
    public DatanodeInfoProto Node { get; }

    /// <summary>The node's transfer address, ip:port.</summary>
    public string NodeAddress => DataNodeSocket.Address(Node);

    /// <summary>The error status the node answered, when it answered one.</summary>
    public Status? Status { get; }
}
