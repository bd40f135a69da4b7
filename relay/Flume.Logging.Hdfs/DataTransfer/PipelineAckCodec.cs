using System.Buffers;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// Varint-delimited <c>PipelineAckProto</c>: the sequence number acknowledged and one status per DataNode from the
/// one answering downwards. Newer DataNodes also put each status in the low 4 bits of a <c>flag</c> (the other bits
/// carry congestion hints); the flags win when present, as in Hadoop's own reader.
/// </summary>
internal static class PipelineAckCodec
{
    /// <summary>Longest ack we accept: a few bytes per DataNode, and pipelines are short.</summary>
    public const int MaxAckLength = 1024;

    private const int StatusBits = 0xF;

    /// <summary>The longest encoding of an ack with <paramref name="replyCount"/> replies.</summary>
    public static int MaxEncodedLength(int replyCount) =>
        ProtoWire.MaxVarintLength * 2 + (replyCount * 2) + 2 + ProtoWire.MaxVarintLength + replyCount;

    /// <summary>
    /// Writes the ack, length prefix included, with both the statuses and the flags Hadoop 3 DataNodes send; returns
    /// the bytes written (at most <see cref="MaxEncodedLength"/>).
    /// </summary>
    public static int Write(Span<byte> destination, long seqno, ReadOnlySpan<Status> replies)
    {
        Span<byte> body = stackalloc byte[MaxEncodedLength(replies.Length)];
        var n = 0;
        body[n++] = (1 << 3) | ProtoWire.WireVarint;
        n += ProtoWire.WriteVarint(body[n..], ProtoWire.ZigZag(seqno));
        foreach (var reply in replies)
        {
            body[n++] = (2 << 3) | ProtoWire.WireVarint;
            body[n++] = (byte)reply;
        }

        if (!replies.IsEmpty)
        {
            body[n++] = (4 << 3) | ProtoWire.WireLengthDelimited;
            body[n++] = (byte)replies.Length;
            foreach (var reply in replies)
            {
                body[n++] = (byte)reply;
            }
        }

        var prefix = ProtoWire.WriteVarint(destination, (ulong)n);
        body[..n].CopyTo(destination[prefix..]);
        return prefix + n;
    }

    /// <summary>
    /// Decodes one ack at the start of <paramref name="input"/> into <paramref name="seqno"/> and the first
    /// <paramref name="replyCount"/> entries of <paramref name="replies"/>. InvalidData when it is malformed, longer
    /// than <see cref="MaxAckLength"/>, lacks a sequence number or has more replies than <paramref name="replies"/> holds.
    /// </summary>
    public static OperationStatus TryRead(
        ReadOnlySequence<byte> input,
        Span<Status> replies,
        out long seqno,
        out int replyCount,
        out long consumed,
        out string? error)
    {
        seqno = 0;
        replyCount = 0;
        consumed = 0;
        error = null;
        var status = ProtoWire.TryReadLengthPrefix(input, out var prefixLength, out var length);
        if (status != OperationStatus.Done || length > MaxAckLength)
        {
            error = status == OperationStatus.NeedMoreData ? null : $"pipeline ack length is malformed or over {MaxAckLength}";
            return status == OperationStatus.NeedMoreData ? status : OperationStatus.InvalidData;
        }

        if (input.Length < prefixLength + (long)length)
        {
            return OperationStatus.NeedMoreData;
        }

        Span<byte> body = stackalloc byte[(int)length];
        input.Slice(prefixLength, (int)length).CopyTo(body);
        Span<Status> flags = stackalloc Status[replies.Length];
        var flagCount = 0;
        var hasSeqno = false;
        var position = 0;
        while (position < body.Length)
        {
            if (ProtoWire.TryReadVarint(body, ref position, out var tag) != OperationStatus.Done)
            {
                error = "pipeline ack has a malformed field tag";
                return OperationStatus.InvalidData;
            }

            var field = tag >> 3;
            var wireType = (int)(tag & 7);
            switch (field, wireType)
            {
                case (1, ProtoWire.WireVarint):
                    status = ProtoWire.TryReadVarint(body, ref position, out var raw);
                    seqno = ProtoWire.UnZigZag(raw);
                    hasSeqno = true;
                    break;
                case (2, ProtoWire.WireVarint or ProtoWire.WireLengthDelimited):
                    status = ReadStatuses(body, ref position, wireType, replies, ref replyCount);
                    break;
                case (4, ProtoWire.WireVarint or ProtoWire.WireLengthDelimited):
                    status = ReadStatuses(body, ref position, wireType, flags, ref flagCount);
                    break;
                default:
                    status = ProtoWire.TrySkip(body, ref position, wireType);
                    break;
            }

            if (status != OperationStatus.Done)
            {
                error = $"pipeline ack field {field} is malformed or has more than {replies.Length} replies";
                return OperationStatus.InvalidData;
            }
        }

        if (!hasSeqno)
        {
            error = "pipeline ack has no sequence number";
            return OperationStatus.InvalidData;
        }

        if (flagCount > 0)
        {
            flags[..flagCount].CopyTo(replies);
            replyCount = flagCount;
        }

        consumed = prefixLength + (long)length;
        return OperationStatus.Done;
    }

    // Statuses one by one (proto2's default for repeated enums) or packed; a flag's status is its low 4 bits.
    private static OperationStatus ReadStatuses(ReadOnlySpan<byte> body, ref int position, int wireType, Span<Status> into, ref int count)
    {
        if (wireType == ProtoWire.WireVarint)
        {
            return ReadStatus(body, ref position, into, ref count);
        }

        if (ProtoWire.TryReadVarint(body, ref position, out var length) != OperationStatus.Done || length > (ulong)(body.Length - position))
        {
            return OperationStatus.InvalidData;
        }

        var packed = body[..(position + (int)length)];
        while (position < packed.Length)
        {
            if (ReadStatus(packed, ref position, into, ref count) != OperationStatus.Done)
            {
                return OperationStatus.InvalidData;
            }
        }

        return OperationStatus.Done;
    }

    private static OperationStatus ReadStatus(ReadOnlySpan<byte> body, ref int position, Span<Status> into, ref int count)
    {
        if (count == into.Length || ProtoWire.TryReadVarint(body, ref position, out var value) != OperationStatus.Done)
        {
            return OperationStatus.InvalidData;
        }

        into[count++] = (Status)(int)(value & StatusBits);
        return OperationStatus.Done;
    }
}
