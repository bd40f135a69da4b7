using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>TBinaryProtocol to a buffer writer, with strict message headers.</summary>
internal readonly struct BinaryProtocolWriter : IThriftWriter
{
    private readonly IBufferWriter<byte> _output;

    public BinaryProtocolWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    public void WriteMessageBegin(ReadOnlySpan<byte> name, ThriftMessageType type, int seqId)
    {
        WriteI32((int)(BinaryProtocolReader.Version1 | (uint)type));
        WriteBinary(name);
        WriteI32(seqId);
    }

    public int WriteStructBegin() => 0;

    public void WriteStructEnd(int saved) => WriteByte(0);

    public void WriteFieldBegin(ThriftType type, short id)
    {
        WriteByte((sbyte)type);
        WriteI16(id);
    }

    public void WriteMapBegin(ThriftType keyType, ThriftType valueType, int count)
    {
        WriteByte((sbyte)keyType);
        WriteByte((sbyte)valueType);
        WriteI32(count);
    }

    public void WriteListBegin(ThriftType elementType, int count)
    {
        WriteByte((sbyte)elementType);
        WriteI32(count);
    }

    public void WriteBool(bool value) => WriteByte(value ? (sbyte)1 : (sbyte)0);

    public void WriteByte(sbyte value)
    {
        _output.GetSpan(1)[0] = (byte)value;
        _output.Advance(1);
    }

    public void WriteI16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteI32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteI64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteDouble(double value) => WriteI64(BitConverter.DoubleToInt64Bits(value));

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteI32(value.Length);
        _output.Write(value);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteI32(length);
        var written = Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        _output.Advance(written);
    }
}
