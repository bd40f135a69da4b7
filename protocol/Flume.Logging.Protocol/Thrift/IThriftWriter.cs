namespace Flume.Logging.Protocol.Thrift;

/// <summary>
/// Writes Thrift values to an <see cref="System.Buffers.IBufferWriter{T}"/>. Implemented by the compact and
/// binary protocol writers so the message codec is written once.
/// </summary>
internal interface IThriftWriter
{
    /// <summary>Writes a message header (strict form in the binary protocol, as Thrift 0.17 does).</summary>
    void WriteMessageBegin(ReadOnlySpan<byte> name, ThriftMessageType type, int seqId);

    /// <summary>Enters a struct; returns state to hand back to <see cref="WriteStructEnd"/>.</summary>
    int WriteStructBegin();

    /// <summary>Writes the stop field and leaves the struct.</summary>
    void WriteStructEnd(int saved);

    /// <summary>Writes a field header (for a compact bool field, the header waits for <see cref="WriteBool"/>).</summary>
    void WriteFieldBegin(ThriftType type, short id);

    /// <summary>Writes a map header.</summary>
    void WriteMapBegin(ThriftType keyType, ThriftType valueType, int count);

    /// <summary>Writes a list or set header.</summary>
    void WriteListBegin(ThriftType elementType, int count);

    /// <summary>Writes a bool.</summary>
    void WriteBool(bool value);

    /// <summary>Writes an i8.</summary>
    void WriteByte(sbyte value);

    /// <summary>Writes an i16.</summary>
    void WriteI16(short value);

    /// <summary>Writes an i32.</summary>
    void WriteI32(int value);

    /// <summary>Writes an i64.</summary>
    void WriteI64(long value);

    /// <summary>Writes a double.</summary>
    void WriteDouble(double value);

    /// <summary>Writes binary.</summary>
    void WriteBinary(ReadOnlySpan<byte> value);

    /// <summary>Writes a string as UTF-8 without an intermediate array.</summary>
    void WriteString(string value);
}
