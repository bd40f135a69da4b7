using System.Buffers;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

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
