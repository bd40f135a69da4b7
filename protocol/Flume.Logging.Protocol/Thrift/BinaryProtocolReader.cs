using System.Buffers.Binary;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>TBinaryProtocol over one complete frame; reads strict (versioned) and old non-strict message headers.</summary>
internal struct BinaryProtocolReader : IThriftReader
{
    /// <summary>Top 16 bits of a strict message header's first i32; the low byte is the message type.</summary>
    public const uint Version1 = 0x80010000;

    private const uint VersionMask = 0xffff0000;

    private readonly int _length;
    private int _position;

    public BinaryProtocolReader(ReadOnlySpan<byte> frame)
    {
        _length = frame.Length;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _length - _position;

    public ThriftDecodeError Error { get; private set; }

    public bool Fail(string reason, long value = -1)
    {
        if (Error.Reason is null)
        {
            Error = new ThriftDecodeError(reason, _position, value);
        }

        return false;
    }

    public bool ReadMessageBegin(ReadOnlySpan<byte> frame, out int nameStart, out int nameLength, out ThriftMessageType type, out int seqId)
    {
        nameStart = nameLength = seqId = 0;
        type = default;
        if (!ReadI32(frame, out var first))
        {
            return false;
        }

        if (first < 0)
        {
            if (((uint)first & VersionMask) != Version1)
            {
                return Fail("binary message has an unknown version");
            }

            type = (ThriftMessageType)(first & 0xff);
            return ReadBinary(frame, out nameStart, out nameLength) && ReadI32(frame, out seqId);
        }

        // Non-strict header (old writers): the first i32 is the name's length, then the name, type byte and seqid.
        if (first > Remaining)
        {
            return Fail("message name length is larger than the bytes left in the frame");
        }

        nameStart = _position;
        nameLength = first;
        _position += first;
        if (!ReadByte(frame, out var rawType))
        {
            return false;
        }

        type = (ThriftMessageType)rawType;
        return ReadI32(frame, out seqId);
    }

    public readonly int ReadStructBegin() => 0;

    public readonly void ReadStructEnd(int saved)
    {
    }

    public bool ReadFieldBegin(ReadOnlySpan<byte> frame, out ThriftType type, out short id)
    {
        id = 0;
        type = ThriftType.Stop;
        if (!ReadByte(frame, out var raw))
        {
            return false;
        }

        if (raw == 0)
        {
            return true;
        }

        if (!IsKnownType(raw))
        {
            return Fail("field has an unknown type");
        }

        type = (ThriftType)raw;
        return ReadI16(frame, out id);
    }

    public bool ReadMapBegin(ReadOnlySpan<byte> frame, out ThriftType keyType, out ThriftType valueType, out int count)
    {
        keyType = valueType = ThriftType.Stop;
        count = 0;
        if (!ReadByte(frame, out var key) || !ReadByte(frame, out var value))
        {
            return false;
        }

        if (!ReadSize(frame, out count))
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        if (!IsKnownType(key) || !IsKnownType(value))
        {
            return Fail("map has an unknown key or value type");
        }

        keyType = (ThriftType)key;
        valueType = (ThriftType)value;

        // Each key and each value takes at least one byte.
        return count <= Remaining / 2 || Fail("map size is larger than the bytes left in the frame");
    }

    public bool ReadListBegin(ReadOnlySpan<byte> frame, out ThriftType elementType, out int count)
    {
        elementType = ThriftType.Stop;
        count = 0;
        if (!ReadByte(frame, out var element) || !ReadSize(frame, out count))
        {
            return false;
        }

        if (!IsKnownType(element))
        {
            return Fail("list has an unknown element type");
        }

        elementType = (ThriftType)element;

        // Every element takes at least one byte.
        return count <= Remaining || Fail("list size is larger than the bytes left in the frame");
    }

    public bool ReadBool(ReadOnlySpan<byte> frame, out bool value)
    {
        var ok = ReadByte(frame, out var raw);
        value = raw != 0;
        return ok;
    }

    public bool ReadByte(ReadOnlySpan<byte> frame, out sbyte value)
    {
        if (_position >= frame.Length)
        {
            value = 0;
            return Fail("message is cut off by the end of the frame");
        }

        value = (sbyte)frame[_position++];
        return true;
    }

    public bool ReadI16(ReadOnlySpan<byte> frame, out short value)
    {
        value = 0;
        if (Remaining < 2)
        {
            return Fail("message is cut off by the end of the frame");
        }

        value = BinaryPrimitives.ReadInt16BigEndian(frame.Slice(_position));
        _position += 2;
        return true;
    }

    public bool ReadI32(ReadOnlySpan<byte> frame, out int value)
    {
        value = 0;
        if (Remaining < 4)
        {
            return Fail("message is cut off by the end of the frame");
        }

        value = BinaryPrimitives.ReadInt32BigEndian(frame.Slice(_position));
        _position += 4;
        return true;
    }

    public bool ReadI64(ReadOnlySpan<byte> frame, out long value)
    {
        value = 0;
        if (Remaining < 8)
        {
            return Fail("message is cut off by the end of the frame");
        }

        value = BinaryPrimitives.ReadInt64BigEndian(frame.Slice(_position));
        _position += 8;
        return true;
    }

    public bool ReadDouble(ReadOnlySpan<byte> frame, out double value)
    {
        var ok = ReadI64(frame, out var bits);
        value = BitConverter.Int64BitsToDouble(bits);
        return ok;
    }

    public bool ReadBinary(ReadOnlySpan<byte> frame, out int start, out int length)
    {
        start = 0;
        if (!ReadSize(frame, out length))
        {
            return false;
        }

        if (length > Remaining)
        {
            return Fail("string length is larger than the bytes left in the frame");
        }

        start = _position;
        _position += length;
        return true;
    }

    private static bool IsKnownType(sbyte raw) =>
        raw is (sbyte)ThriftType.Bool or (sbyte)ThriftType.Byte or (sbyte)ThriftType.Double or (sbyte)ThriftType.I16
            or (sbyte)ThriftType.I32 or (sbyte)ThriftType.I64 or (sbyte)ThriftType.String or (sbyte)ThriftType.Struct
            or (sbyte)ThriftType.Map or (sbyte)ThriftType.Set or (sbyte)ThriftType.List;

    private bool ReadSize(ReadOnlySpan<byte> frame, out int size)
    {
        if (!ReadI32(frame, out size))
        {
            return false;
        }

        return size >= 0 || Fail("size is negative");
    }
}
