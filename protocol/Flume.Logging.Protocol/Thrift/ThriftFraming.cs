using System.Buffers;
using System.Buffers.Binary;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>TFramedTransport: each message is preceded by its length as a 4-byte big-endian integer.</summary>
internal static class ThriftFraming
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int HeaderLength = 4;

    /// <summary>
    /// Finds the first whole frame in <paramref name="buffer"/>. Done: <paramref name="frame"/> is the message
    /// (without the prefix) and the caller consumes up to its end. NeedMoreData: not all of it has arrived.
    /// InvalidData: the length is negative, zero or over <paramref name="maxFrameLength"/>, decided from the
    /// prefix alone so nothing is buffered for an oversized frame.
    /// </summary>
    public static OperationStatus TryReadFrame(in ReadOnlySequence<byte> buffer, int maxFrameLength, out ReadOnlySequence<byte> frame, out ThriftDecodeError error)
    {
        frame = default;
        error = default;
        if (buffer.Length < HeaderLength)
        {
            return OperationStatus.NeedMoreData;
        }

        Span<byte> prefix = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0)
        {
            error = new ThriftDecodeError("frame length is negative", 0, (uint)length);
            return OperationStatus.InvalidData;
        }

        if (length == 0)
        {
            error = new ThriftDecodeError("frame is empty", 0);
            return OperationStatus.InvalidData;
        }

        if (length > maxFrameLength)
        {
            error = new ThriftDecodeError("frame length is over the maximum frame length", 0, length);
            return OperationStatus.InvalidData;
        }

        if (buffer.Length - HeaderLength < length)
        {
            return OperationStatus.NeedMoreData;
        }

        frame = buffer.Slice(HeaderLength, length);
        return OperationStatus.Done;
    }

    /// <summary>Writes <paramref name="message"/> as one frame.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeader(output.GetSpan(HeaderLength), message.Length);
        output.Advance(HeaderLength);
        output.Write(message);
    }

    /// <summary>
    /// Writes the length prefix of a frame whose message of <paramref name="messageLength"/> bytes follows it, so
    /// that a sender can encode the message right behind the prefix's room and send both at once.
    /// </summary>
    public static void WriteHeader(Span<byte> destination, int messageLength) =>
        BinaryPrimitives.WriteInt32BigEndian(destination, messageLength);
}
