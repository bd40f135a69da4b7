using System.Buffers;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

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

/// <summary>Decodes pipeline acks into <paramref name="Replies"/>; the value is the sequence number and reply count.</summary>
internal readonly record struct AckDecoder(Status[] Replies) : IFrameDecoder<(long Seqno, int ReplyCount)>
{
    public OperationStatus TryDecode(ReadOnlySequence<byte> input, out (long Seqno, int ReplyCount) value, out long consumed, out string? error)
    {
        var status = PipelineAckCodec.TryRead(input, Replies, out var seqno, out var count, out consumed, out error);
        value = (seqno, count);
        return status;
    }
}

/// <summary>Decodes varint-delimited messages of type <typeparamref name="T"/>.</summary>
internal readonly record struct MessageDecoder<T>(MessageParser<T> Parser, int MaxLength) : IFrameDecoder<T>
    where T : IMessage<T>
{
    public OperationStatus TryDecode(ReadOnlySequence<byte> input, out T value, out long consumed, out string? error) =>
        DelimitedMessage.TryRead(input, Parser, MaxLength, out value!, out consumed, out error);
}

/// <summary>Decodes op requests (a DataNode's side).</summary>
internal readonly record struct OpRequestDecoder : IFrameDecoder<(DataTransferOp Op, IMessage? Message)>
{
    public OperationStatus TryDecode(ReadOnlySequence<byte> input, out (DataTransferOp Op, IMessage? Message) value, out long consumed, out string? error)
    {
        var status = OpRequestCodec.TryRead(input, out var op, out var message, out consumed, out error);
        value = (op, message);
        return status;
    }
}
