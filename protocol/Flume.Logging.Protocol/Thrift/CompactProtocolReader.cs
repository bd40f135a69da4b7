using System.Buffers.Binary;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>TCompactProtocol over one complete frame.</summary>
internal struct CompactProtocolReader : IThriftReader
{
    /// <summary>First byte of every compact message.</summary>
    public const byte ProtocolId = 0x82;

    /// <summary>The only compact protocol version.</summary>
    public const byte Version = 1;

    private readonly int _length;
    private int _position;
    private short _lastFieldId;

    // A bool field carries its value in the field header's type nibble: -1 none pending, else 0 or 1.
    private int _pendingBool;

    public CompactProtocolReader(ReadOnlySpan<byte> frame)
    {
        _length = frame.Length;
        _pendingBool = -1;
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
        if (!ReadRawByte(frame, out var protocolId))
        {
            return false;
        }

        if (protocolId != ProtocolId)
        {
            return Fail("compact message does not start with protocol id 0x82");
        }

        if (!ReadRawByte(frame, out var versionAndType))
        {
            return false;
        }

        if ((versionAndType & 0x1f) != Version)
        {
            return Fail("compact message has an unknown version");
        }

        type = (ThriftMessageType)(versionAndType >> 5);
        if (!ReadVarint32(frame, out var rawSeqId))
        {
            return false;
        }

        seqId = (int)rawSeqId;
        return ReadBinary(frame, out nameStart, out nameLength);
    }

    public int ReadStructBegin()
    {
        var saved = _lastFieldId;
        _lastFieldId = 0;
        return saved;
    }

    public void ReadStructEnd(int saved) => _lastFieldId = (short)saved;

    public bool ReadFieldBegin(ReadOnlySpan<byte> frame, out ThriftType type, out short id)
    {
        id = 0;
        type = ThriftType.Stop;
        if (!ReadRawByte(frame, out var header))
        {
            return false;
        }

        var compactType = header & 0x0f;
        if (compactType == 0)
        {
            return true;
        }

        var delta = header >> 4;
        if (delta == 0)
        {
            if (!ReadVarint32(frame, out var raw))
            {
                return false;
            }

            id = (short)ZigzagToInt(raw);
        }
        else
        {
            id = (short)(_lastFieldId + delta);
        }

        if (!ToThriftType(compactType, out type))
        {
            return Fail("field has an unknown compact type");
        }

        if (type == ThriftType.Bool)
        {
            _pendingBool = compactType == 1 ? 1 : 0;
        }

        _lastFieldId = id;
        return true;
    }

    public bool ReadMapBegin(ReadOnlySpan<byte> frame, out ThriftType keyType, out ThriftType valueType, out int count)
    {
        keyType = valueType = ThriftType.Stop;
        if (!ReadSize(frame, out count))
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        if (!ReadRawByte(frame, out var types))
        {
            return false;
        }

        if (!ToThriftType(types >> 4, out keyType) || !ToThriftType(types & 0x0f, out valueType))
        {
            return Fail("map has an unknown key or value type");
        }

        // Each key and each value takes at least one byte.
        return count <= Remaining / 2 || Fail("map size is larger than the bytes left in the frame");
    }

    public bool ReadListBegin(ReadOnlySpan<byte> frame, out ThriftType elementType, out int count)
    {
        count = 0;
        elementType = ThriftType.Stop;
        if (!ReadRawByte(frame, out var header))
        {
            return false;
        }

        if (!ToThriftType(header & 0x0f, out elementType))
        {
            return Fail("list has an unknown element type");
        }

        count = header >> 4;
        if (count == 15 && !ReadSize(frame, out count))
        {
            return false;
        }

        // Every element takes at least one byte.
        return count <= Remaining || Fail("list size is larger than the bytes left in the frame");
    }

    public bool ReadBool(ReadOnlySpan<byte> frame, out bool value)
    {
        if (_pendingBool >= 0)
        {
            value = _pendingBool == 1;
            _pendingBool = -1;
            return true;
        }

        // Inside lists, sets and maps a bool is a whole byte: 1 is true (Thrift also wrote 0 or 2 for false).
        value = false;
        if (!ReadRawByte(frame, out var raw))
        {
            return false;
        }

        value = raw == 1;
        return true;
    }

    public bool ReadByte(ReadOnlySpan<byte> frame, out sbyte value)
    {
        var ok = ReadRawByte(frame, out var raw);
        value = (sbyte)raw;
        return ok;
    }

    public bool ReadI16(ReadOnlySpan<byte> frame, out short value)
    {
        var ok = ReadVarint32(frame, out var raw);
        value = (short)ZigzagToInt(raw);
        return ok;
    }

    public bool ReadI32(ReadOnlySpan<byte> frame, out int value)
    {
        var ok = ReadVarint32(frame, out var raw);
        value = ZigzagToInt(raw);
        return ok;
    }

    public bool ReadI64(ReadOnlySpan<byte> frame, out long value)
    {
        var ok = ReadVarint64(frame, out var raw);
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return ok;
    }

    public bool ReadDouble(ReadOnlySpan<byte> frame, out double value)
    {
        value = 0;
        if (Remaining < 8)
        {
            return Fail("double is cut off by the end of the frame");
        }

        // The compact protocol writes doubles little-endian, unlike the binary protocol.
        value = BinaryPrimitives.ReadDoubleLittleEndian(frame.Slice(_position, 8));
        _position += 8;
        return true;
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

    /// <summary>Decodes zigzag: 0, -1, 1, -2 ... from 0, 1, 2, 3 ...</summary>
    internal static int ZigzagToInt(uint n) => (int)(n >> 1) ^ -(int)(n & 1);

    private static bool ToThriftType(int compactType, out ThriftType type)
    {
        type = compactType switch
        {
            1 or 2 => ThriftType.Bool,
            3 => ThriftType.Byte,
            4 => ThriftType.I16,
            5 => ThriftType.I32,
            6 => ThriftType.I64,
            7 => ThriftType.Double,
            8 => ThriftType.String,
            9 => ThriftType.List,
            10 => ThriftType.Set,
            11 => ThriftType.Map,
            12 => ThriftType.Struct,
            _ => ThriftType.Stop,
        };
        return type != ThriftType.Stop;
    }

    private bool ReadSize(ReadOnlySpan<byte> frame, out int size)
    {
        size = 0;
        if (!ReadVarint32(frame, out var raw))
        {
            return false;
        }

        size = (int)raw;
        return size >= 0 || Fail("size is negative");
    }

    private bool ReadRawByte(ReadOnlySpan<byte> frame, out byte value)
    {
        if (_position >= frame.Length)
        {
            value = 0;
            return Fail("message is cut off by the end of the frame");
        }

        value = frame[_position++];
        return true;
    }

    private bool ReadVarint32(ReadOnlySpan<byte> frame, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (!ReadRawByte(frame, out var b))
            {
                return false;
            }

            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return Fail("varint is longer than 5 bytes");
    }

    private bool ReadVarint64(ReadOnlySpan<byte> frame, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (!ReadRawByte(frame, out var b))
            {
                return false;
            }

            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return Fail("varint is longer than 10 bytes");
    }
}
