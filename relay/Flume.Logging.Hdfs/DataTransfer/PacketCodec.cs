using System.Buffers;
using System.Buffers.Binary;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// DataTransferProtocol packet framing: int32 BE payload length (4 + checksum bytes + data bytes, the 4 counting the
/// length field itself), int16 BE header length, <c>PacketHeaderProto</c>, checksums, data.
/// </summary>
internal static class PacketCodec
{
    /// <summary>The sequence number of heartbeat packets (no data, sent to keep an idle pipeline open).</summary>
    public const long HeartbeatSeqno = -1;

    /// <summary>Payload length and header length fields.</summary>
    public const int PrefixLength = 6;

    /// <summary>Longest header we write: the four required fixed-length fields and syncBlock.</summary>
    public const int MaxHeaderLength = HeaderLengthWithoutSync + 2;

    /// <summary>Longest prefix and header we write.</summary>
    public const int MaxFramePrefixLength = PrefixLength + MaxHeaderLength;

    /// <summary>Hadoop's cap on a packet (header and payload), which receivers enforce too.</summary>
    public const int MaxPacketLength = 16 * 1024 * 1024;

    // Hadoop's own readers reject longer headers; anything near this is garbage.
    private const int MaxAcceptedHeaderLength = 1024;

    // tag + sfixed64, tag + sfixed64, tag + bool, tag + sfixed32.
    private const int HeaderLengthWithoutSync = 9 + 9 + 2 + 5;

    /// <summary>The length of the prefix and header <see cref="WriteFramePrefix"/> writes for <paramref name="header"/>.</summary>
    public static int FramePrefixLength(in PacketHeader header) =>
        PrefixLength + (header.SyncBlock ? MaxHeaderLength : HeaderLengthWithoutSync);

    /// <summary>
    /// Writes the length fields and header of a packet whose <paramref name="checksumLength"/> bytes of checksums and
    /// <see cref="PacketHeader.DataLength"/> bytes of data follow; returns <see cref="FramePrefixLength"/>.
    /// syncBlock is only written when set, as Hadoop does, so older DataNodes see the header they expect.
    /// </summary>
    public static int WriteFramePrefix(Span<byte> destination, in PacketHeader header, int checksumLength)
    {
        var length = FramePrefixLength(header);
        BinaryPrimitives.WriteInt32BigEndian(destination, 4 + checksumLength + header.DataLength);
        BinaryPrimitives.WriteInt16BigEndian(destination[4..], (short)(length - PrefixLength));
        var h = destination[PrefixLength..length];
        h[0] = (1 << 3) | ProtoWire.WireFixed64;
        BinaryPrimitives.WriteInt64LittleEndian(h[1..], header.OffsetInBlock);
        h[9] = (2 << 3) | ProtoWire.WireFixed64;
        BinaryPrimitives.WriteInt64LittleEndian(h[10..], header.Seqno);
        h[18] = (3 << 3) | ProtoWire.WireVarint;
        h[19] = header.LastPacketInBlock ? (byte)1 : (byte)0;
        h[20] = (4 << 3) | ProtoWire.WireFixed32;
        BinaryPrimitives.WriteInt32LittleEndian(h[21..], header.DataLength);
        if (header.SyncBlock)
        {
            h[25] = (5 << 3) | ProtoWire.WireVarint;
            h[26] = 1;
        }

        return length;
    }

    /// <summary>
    /// Decodes one packet at the start of <paramref name="input"/>. NeedMoreData until the whole packet is there;
    /// InvalidData (with <paramref name="error"/>) for impossible lengths or a malformed header, checked before
    /// waiting for more.
    /// </summary>
    public static OperationStatus TryRead(ReadOnlySequence<byte> input, int maxPacketLength, out Packet packet, out string? error)
    {
        packet = default;
        error = null;
        if (input.Length < PrefixLength)
        {
            return OperationStatus.NeedMoreData;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        input.Slice(0, PrefixLength).CopyTo(prefix);
        var payloadLength = BinaryPrimitives.ReadInt32BigEndian(prefix);
        var headerLength = BinaryPrimitives.ReadUInt16BigEndian(prefix[4..]);
        if (payloadLength < 4 || headerLength > MaxAcceptedHeaderLength || payloadLength > maxPacketLength - headerLength)
        {
            error = $"packet payload length {payloadLength} with header length {headerLength} is outside what a packet of at most {maxPacketLength} bytes can hold";
            return OperationStatus.InvalidData;
        }

        var total = PrefixLength + headerLength + (long)payloadLength - 4;
        if (input.Length < total)
        {
            return OperationStatus.NeedMoreData;
        }

        Span<byte> headerBytes = stackalloc byte[headerLength];
        input.Slice(PrefixLength, headerLength).CopyTo(headerBytes);
        if (!TryParseHeader(headerBytes, out var header, out error))
        {
            return OperationStatus.InvalidData;
        }

        var checksumLength = payloadLength - 4 - header.DataLength;
        if (header.DataLength < 0 || checksumLength < 0)
        {
            error = $"packet data length {header.DataLength} does not fit its payload length {payloadLength}";
            return OperationStatus.InvalidData;
        }

        var body = input.Slice(PrefixLength + headerLength, payloadLength - 4);
        packet = new Packet(header, body.Slice(0, checksumLength), body.Slice(checksumLength), total);
        return OperationStatus.Done;
    }

    private static bool TryParseHeader(ReadOnlySpan<byte> input, out PacketHeader header, out string? error)
    {
        header = default;
        long offset = 0, seqno = 0;
        var dataLength = 0;
        bool last = false, sync = false;
        var seen = 0;
        var position = 0;
        while (position < input.Length)
        {
            if (ProtoWire.TryReadVarint(input, ref position, out var tag) != OperationStatus.Done)
            {
                error = "packet header has a malformed field tag";
                return false;
            }

            var field = tag >> 3;
            var wireType = (int)(tag & 7);
            var status = (field, wireType) switch
            {
                (1, ProtoWire.WireFixed64) => ReadFixed64(input, ref position, out offset),
                (2, ProtoWire.WireFixed64) => ReadFixed64(input, ref position, out seqno),
                (3, ProtoWire.WireVarint) => ReadBool(input, ref position, out last),
                (4, ProtoWire.WireFixed32) => ReadFixed32(input, ref position, out dataLength),
                (5, ProtoWire.WireVarint) => ReadBool(input, ref position, out sync),
                _ => ProtoWire.TrySkip(input, ref position, wireType),
            };
            if (status != OperationStatus.Done)
            {
                error = $"packet header field {field} (wire type {wireType}) is malformed";
                return false;
            }

            if (field is >= 1 and <= 4)
            {
                seen |= 1 << (int)field;
            }
        }

        if (seen != 0b11110)
        {
            error = "packet header lacks a required field (offsetInBlock, seqno, lastPacketInBlock, dataLen)";
            return false;
        }

        header = new PacketHeader(offset, seqno, last, dataLength, sync);
        error = null;
        return true;
    }

    // Fixed-width fields are little-endian on the protobuf wire.
    private static OperationStatus ReadFixed64(ReadOnlySpan<byte> input, ref int position, out long value)
    {
        var status = ProtoWire.TryTake(input, ref position, sizeof(long), out var bytes);
        value = status == OperationStatus.Done ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;
        return status;
    }

    private static OperationStatus ReadFixed32(ReadOnlySpan<byte> input, ref int position, out int value)
    {
        var status = ProtoWire.TryTake(input, ref position, sizeof(int), out var bytes);
        value = status == OperationStatus.Done ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : 0;
        return status;
    }

    private static OperationStatus ReadBool(ReadOnlySpan<byte> input, ref int position, out bool value)
    {
        var status = ProtoWire.TryReadVarint(input, ref position, out var raw);
        value = raw != 0;
        return status;
    }
}
