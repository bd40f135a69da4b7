namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>A data packet's header (<c>PacketHeaderProto</c>).</summary>
/// <param name="OffsetInBlock">Where the packet's data starts in the block.</param>
/// <param name="Seqno">The packet's sequence number; <see cref="PacketCodec.HeartbeatSeqno"/> for a heartbeat.</param>
/// <param name="LastPacketInBlock">True for the empty packet that ends the block.</param>
/// <param name="DataLength">Bytes of data in the packet.</param>
/// <param name="SyncBlock">True when the DataNodes should sync the replica to disk (hsync).</param>
internal readonly record struct PacketHeader(long OffsetInBlock, long Seqno, bool LastPacketInBlock, int DataLength, bool SyncBlock);
