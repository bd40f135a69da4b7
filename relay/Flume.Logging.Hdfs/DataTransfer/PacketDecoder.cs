using System.Buffers;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>Decodes packets of at most <paramref name="MaxPacketLength"/> bytes.</summary>
internal readonly record struct PacketDecoder(int MaxPacketLength) : IFrameDecoder<Packet>
{
    public OperationStatus TryDecode(ReadOnlySequence<byte> input, out Packet value, out long consumed, out string? error)
    {
        var status = PacketCodec.TryRead(input, MaxPacketLength, out value, out error);
        consumed = value.Length;
        return status;
    }
}
