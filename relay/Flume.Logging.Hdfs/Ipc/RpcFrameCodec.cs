using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// Hadoop IPC framing as pure functions over bytes, shared by the client and the test NameNode: the 7-byte connection
/// header, and frames of a 4-byte big-endian length followed by varint-length-delimited protobuf messages.
/// Decoders never throw on malformed input; they answer <see cref="DecodeStatus.Error"/> so the caller closes.
/// </summary>
internal static class RpcFrameCodec
{
    /// <summary>The connection header's magic, "hrpc".</summary>
    public static ReadOnlySpan<byte> Magic => "hrpc"u8;

    /// <summary>The IPC version Hadoop 2 and 3 speak.</summary>
    public const byte IpcVersion = 9;

    /// <summary>Auth protocol byte for no SASL (SIMPLE authentication, the user named in the connection context).</summary>
    public const byte AuthProtocolNone = 0;

    /// <summary>Magic, version, service class, auth protocol.</summary>
    public const int ConnectionHeaderLength = 7;

    /// <summary>Hadoop's default <c>ipc.maximum.data.length</c> (and response length): 128 MiB.</summary>
    public const int MaxFrameLength = 128 * 1024 * 1024;


    /// <summary>Writes the connection header for service class 0 and no SASL.</summary>
    public static void WriteConnectionHeader(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        destination[4] = IpcVersion;
        destination[5] = 0;
        destination[6] = AuthProtocolNone;
    }

    /// <summary>Reads a connection header: its version and auth protocol, once all 7 bytes are there.</summary>
    public static DecodeStatus TryReadConnectionHeader(ReadOnlySequence<byte> buffer, out byte version, out byte authProtocol)
    {
        version = 0;
        authProtocol = 0;
        Span<byte> header = stackalloc byte[ConnectionHeaderLength];
        var available = (int)Math.Min(buffer.Length, ConnectionHeaderLength);
        buffer.Slice(0, available).CopyTo(header);
        if (!header[..Math.Min(available, Magic.Length)].SequenceEqual(Magic[..Math.Min(available, Magic.Length)]))
        {
            return DecodeStatus.Error;
        }

        if (available < ConnectionHeaderLength)
        {
            return DecodeStatus.NeedMore;
        }

        version = header[4];
        authProtocol = header[6];
        return DecodeStatus.Done;
    }

    /// <summary>The bytes a frame of <paramref name="messages"/> takes, length prefix included.</summary>
    public static int FrameLength(ReadOnlySpan<IMessage> messages) => 4 + PayloadLength(messages);

    /// <summary>Writes one frame: the payload length, then each message with its varint length.</summary>
    public static void WriteFrame(Span<byte> destination, ReadOnlySpan<IMessage> messages)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, PayloadLength(messages));
        var offset = 4;
        foreach (var message in messages)
        {
            var size = message.CalculateSize();
            offset += ProtoWire.WriteVarint(destination[offset..], (ulong)size);
            message.WriteTo(destination.Slice(offset, size));
            offset += size;
        }
    }

    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/>: <paramref name="payload"/> is what follows the
    /// length and <paramref name="consumed"/> the position after it.
    /// </summary>
    public static DecodeStatus TryReadFrame(ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, out SequencePosition consumed)
    {
        payload = default;
        consumed = buffer.Start;
        if (buffer.Length < 4)
        {
            return DecodeStatus.NeedMore;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length is < 0 or > MaxFrameLength)
        {
            return DecodeStatus.Error;
        }

        if (buffer.Length - 4 < length)
        {
            return DecodeStatus.NeedMore;
        }

        payload = buffer.Slice(4, length);
        consumed = payload.End;
        return DecodeStatus.Done;
    }

    /// <summary>
    /// Parses one varint-delimited message off the front of a complete frame payload. A message cut short by the
    /// frame's end is an error, not a need for more: the frame length already said where the call ends.
    /// </summary>
    public static DecodeStatus TryReadDelimited<T>(ref ReadOnlySequence<byte> payload, MessageParser<T> parser, out T? message)
        where T : IMessage<T>
    {
        message = default;
        if (ProtoWire.TryReadLengthPrefix(payload, out var prefixLength, out var prefixed) != OperationStatus.Done || prefixed > (ulong)(payload.Length - prefixLength))
        {
            return DecodeStatus.Error;
        }

        var length = (long)prefixed;

        try
        {
            message = parser.ParseFrom(payload.Slice(prefixLength, length));
        }
        catch (InvalidProtocolBufferException)
        {
            return DecodeStatus.Error;
        }

        payload = payload.Slice(prefixLength + length);
        return DecodeStatus.Done;
    }

    private static int PayloadLength(ReadOnlySpan<IMessage> messages)
    {
        var length = 0;
        foreach (var message in messages)
        {
            var size = message.CalculateSize();
            length += CodedOutputStream.ComputeLengthSize(size) + size;
        }

        return length;
    }
}
