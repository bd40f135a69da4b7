namespace Flume.Logging.Protocol.Thrift;

/// <summary>
/// Reads Thrift values from one complete frame, which every read is given: the reader holds only its position, so
/// it is an ordinary struct that the generic codec can take on .NET 8 too (ref structs as type arguments need
/// .NET 9). The frame passed must be the one the reader was created over. Implemented by the compact and binary protocol readers so the
/// message codec is written once. Every method returns false on bad or missing bytes and records
/// <see cref="Error"/>; none throws, and sizes and counts are checked against the bytes left before anyone
/// allocates for them.
/// </summary>
internal interface IThriftReader
{
    /// <summary>Offset of the next unread byte in the frame.</summary>
    int Position { get; }

    /// <summary>Bytes left after <see cref="Position"/>.</summary>
    int Remaining { get; }

    /// <summary>The first problem found; default until a method has returned false.</summary>
    ThriftDecodeError Error { get; }

    /// <summary>
    /// Records a problem found by the caller (for example a missing required field) with the offending number, if
    /// any, and returns false. The first problem recorded wins.
    /// </summary>
    bool Fail(string reason, long value = -1);

    /// <summary>Reads a message header; the name is returned as a range of the frame so it is not copied.</summary>
    bool ReadMessageBegin(ReadOnlySpan<byte> frame, out int nameStart, out int nameLength, out ThriftMessageType type, out int seqId);

    /// <summary>Enters a struct; returns state to hand back to <see cref="ReadStructEnd"/>.</summary>
    int ReadStructBegin();

    /// <summary>Leaves a struct entered with <see cref="ReadStructBegin"/>.</summary>
    void ReadStructEnd(int saved);

    /// <summary>Reads a field header; <paramref name="type"/> is <see cref="ThriftType.Stop"/> after the last field.</summary>
    bool ReadFieldBegin(ReadOnlySpan<byte> frame, out ThriftType type, out short id);

    /// <summary>Reads a map header. Types are <see cref="ThriftType.Stop"/> for an empty compact map, which has none.</summary>
    bool ReadMapBegin(ReadOnlySpan<byte> frame, out ThriftType keyType, out ThriftType valueType, out int count);

    /// <summary>Reads a list or set header.</summary>
    bool ReadListBegin(ReadOnlySpan<byte> frame, out ThriftType elementType, out int count);

    /// <summary>Reads a bool (in the compact protocol a bool field's value rides in its field header).</summary>
    bool ReadBool(ReadOnlySpan<byte> frame, out bool value);

    /// <summary>Reads an i8.</summary>
    bool ReadByte(ReadOnlySpan<byte> frame, out sbyte value);

    /// <summary>Reads an i16.</summary>
    bool ReadI16(ReadOnlySpan<byte> frame, out short value);

    /// <summary>Reads an i32.</summary>
    bool ReadI32(ReadOnlySpan<byte> frame, out int value);

    /// <summary>Reads an i64.</summary>
    bool ReadI64(ReadOnlySpan<byte> frame, out long value);

    /// <summary>Reads a double.</summary>
    bool ReadDouble(ReadOnlySpan<byte> frame, out double value);

    /// <summary>Reads a string or binary, returned as a range of the frame so it is not copied.</summary>
    bool ReadBinary(ReadOnlySpan<byte> frame, out int start, out int length);
}
