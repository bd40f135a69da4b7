using System.Buffers;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>One decoded packet; its checksums and data point into the input it was decoded from.</summary>
/// <param name="Header">The packet header.</param>
/// <param name="Checksums">The chunk checksums.</param>
/// <param name="Data">The data.</param>
/// <param name="Length">Bytes of input the whole packet took.</param>
internal readonly record struct Packet(PacketHeader Header, ReadOnlySequence<byte> Checksums, ReadOnlySequence<byte> Data, long Length);
