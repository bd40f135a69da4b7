using System.Buffers;
using System.Buffers.Binary;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Avro's Netty framing: int32 BE serial, int32 BE buffer count, then per buffer int32 BE length and bytes.
/// The message is the concatenation of the buffers.
/// </summary>
internal static class NettyFrame
{
    private const int HeaderLength = 8;

    /// <summary>
    /// Finds one complete frame at the start of <paramref name="input"/>. On Done, <paramref name="frame"/> is the
    /// whole frame (headers included) and <paramref name="messageLength"/> the length of the concatenated buffers.
    /// InvalidData when the buffer count or a length is negative or over the caps, before reading further.
    /// </summary>
    public static OperationStatus TryRead(
        ReadOnlySequence<byte> input,
        int maxBufferCount,
        int maxMessageLength,
        out int serial,
        out ReadOnlySequence<byte> frame,
        out int messageLength,
        out string? error)
    {
        serial = 0;
        frame = default;
        messageLength = 0;
        error = null;
        var reader = new SequenceReader<byte>(input);
        if (!reader.TryReadBigEndian(out serial) || !reader.TryReadBigEndian(out int count))
        {
            return OperationStatus.NeedMoreData;
        }

        if (count < 0 || count > maxBufferCount)
        {
            error = $"frame buffer count {count} is outside 0-{maxBufferCount}";
            return OperationStatus.InvalidData;
        }

        long total = 0;
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadBigEndian(out int length))
            {
                return OperationStatus.NeedMoreData;
            }

            total += length;
            if (length < 0 || total > maxMessageLength)
            {
                error = length < 0
                    ? $"frame buffer {i} has negative length {length}"
                    : $"frame is longer than the {maxMessageLength} bytes allowed (buffer {i} has {length})";
                return OperationStatus.InvalidData;
            }

            if (reader.Remaining < length)
            {
                return OperationStatus.NeedMoreData;
            }

            reader.Advance(length);
        }

        frame = input.Slice(0, reader.Position);
        messageLength = (int)total;
        return OperationStatus.Done;
    }

    /// <summary>Copies the buffers of a frame found by <see cref="TryRead"/> into <paramref name="destination"/>.</summary>
    public static void CopyMessage(ReadOnlySequence<byte> frame, Span<byte> destination)
    {
        var reader = new SequenceReader<byte>(frame);
        reader.Advance(4);
        reader.TryReadBigEndian(out int count);
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            reader.TryReadBigEndian(out int length);
            reader.TryCopyTo(destination.Slice(offset, length));
            reader.Advance(length);
            offset += length;
        }
    }

    /// <summary>Bytes in front of the message of a frame with a single buffer: serial, count and the buffer's length.</summary>
    public const int SingleBufferHeaderLength = HeaderLength + 4;

    /// <summary>Writes <paramref name="message"/> as one frame with a single buffer.</summary>
    public static void Write(IBufferWriter<byte> output, int serial, ReadOnlySpan<byte> message)
    {
        WriteHeader(output.GetSpan(SingleBufferHeaderLength), serial, message.Length);
        output.Advance(SingleBufferHeaderLength);
        AvroWriter.WriteFixed(output, message);
    }

    /// <summary>
    /// Writes the header of a single-buffer frame whose message of <paramref name="messageLength"/> bytes follows it,
    /// so that a sender can encode the message right behind the header's room and send header and message at once.
    /// </summary>
    public static void WriteHeader(Span<byte> destination, int serial, int messageLength)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, serial);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], 1);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], messageLength);
    }
}
