using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>TCompactProtocol to a buffer writer.</summary>
internal struct CompactProtocolWriter : IThriftWriter
{
    private readonly IBufferWriter<byte> _output;
    private short _lastFieldId;

    // A compact bool field's header carries the value, so it is written by WriteBool. Field ids may be negative.
    private bool _boolFieldPending;
    private short _pendingBoolFieldId;

    public CompactProtocolWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    public readonly void WriteMessageBegin(ReadOnlySpan<byte> name, ThriftMessageType type, int seqId)
    {
        var span = _output.GetSpan(2);
        span[0] = CompactProtocolReader.ProtocolId;
        span[1] = (byte)(CompactProtocolReader.Version | ((int)type << 5));
        _output.Advance(2);
        WriteVarint32((uint)seqId);
        WriteBinary(name);
    }

    public int WriteStructBegin()
    {
        var saved = _lastFieldId;
        _lastFieldId = 0;
        return saved;
    }

    public void WriteStructEnd(int saved)
    {
        WriteRawByte(0);
        _lastFieldId = (short)saved;
    }

    public void WriteFieldBegin(ThriftType type, short id)
    {
        if (type == ThriftType.Bool)
        {
            _boolFieldPending = true;
            _pendingBoolFieldId = id;
            return;
        }

        WriteFieldHeader(ToCompactType(type), id);
    }

    public readonly void WriteMapBegin(ThriftType keyType, ThriftType valueType, int count)
    {
        WriteVarint32((uint)count);
        if (count != 0)
        {
            WriteRawByte((byte)((ToCompactType(keyType) << 4) | ToCompactType(valueType)));
        }
    }

    public readonly void WriteListBegin(ThriftType elementType, int count)
    {
        var compactType = ToCompactType(elementType);
        if (count < 15)
        {
            WriteRawByte((byte)((count << 4) | compactType));
        }
        else
        {
            WriteRawByte((byte)(0xf0 | compactType));
            WriteVarint32((uint)count);
        }
    }

    public void WriteBool(bool value)
    {
        byte compactType = value ? (byte)1 : (byte)2;
        if (_boolFieldPending)
        {
            _boolFieldPending = false;
            WriteFieldHeader(compactType, _pendingBoolFieldId);
            return;
        }

        WriteRawByte(compactType);
    }

    public readonly void WriteByte(sbyte value) => WriteRawByte((byte)value);

    public readonly void WriteI16(short value) => WriteVarint32(IntToZigzag(value));

    public readonly void WriteI32(int value) => WriteVarint32(IntToZigzag(value));

    public readonly void WriteI64(long value) => WriteVarint64((ulong)((value << 1) ^ (value >> 63)));

    public readonly void WriteDouble(double value)
    {
        var span = _output.GetSpan(8);
        BinaryPrimitives.WriteDoubleLittleEndian(span, value);
        _output.Advance(8);
    }

    public readonly void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteVarint32((uint)value.Length);
        _output.Write(value);
    }

    public readonly void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint32((uint)length);
        var written = Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        _output.Advance(written);
    }

    /// <summary>Encodes zigzag: 0, -1, 1, -2 ... as 0, 1, 2, 3 ...</summary>
    internal static uint IntToZigzag(int n) => (uint)((n << 1) ^ (n >> 31));

    private static byte ToCompactType(ThriftType type) => type switch
    {
        ThriftType.Bool => 1,
        ThriftType.Byte => 3,
        ThriftType.I16 => 4,
        ThriftType.I32 => 5,
        ThriftType.I64 => 6,
        ThriftType.Double => 7,
        ThriftType.String => 8,
        ThriftType.List => 9,
        ThriftType.Set => 10,
        ThriftType.Map => 11,
        ThriftType.Struct => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a Thrift value type"),
    };

    private void WriteFieldHeader(byte compactType, short id)
    {
        var delta = id - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            WriteRawByte((byte)((delta << 4) | compactType));
        }
        else
        {
            WriteRawByte(compactType);
            WriteI16(id);
        }

        _lastFieldId = id;
    }

    private readonly void WriteRawByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private readonly void WriteVarint32(uint value)
    {
        var span = _output.GetSpan(5);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _output.Advance(i);
    }

    private readonly void WriteVarint64(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _output.Advance(i);
    }
}
