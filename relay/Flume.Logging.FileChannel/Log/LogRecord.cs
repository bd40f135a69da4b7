using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// The on-disk record format, as pure functions. Every record is
/// <c>magic u32 | length u32 | crc32c u32 | type u8 | txId i64 | payload</c> (little-endian), where length
/// counts from type to the end and the CRC covers the same bytes: headers and body of an event both, unlike
/// Flume's body-only checksum. The magic lets a scanner tell a torn tail from corruption with valid records
/// after it.
/// </summary>
internal static class LogRecord
{
    /// <summary>"FLME" in file order.</summary>
    public const uint Magic = 0x454D4C46;

    /// <summary>Bytes of magic, length and CRC.</summary>
    public const int HeaderSize = 12;

    /// <summary>Bytes of type and transaction id that start every body.</summary>
    public const int BodyPrefix = 9;

    /// <summary>Largest body accepted when reading, so a corrupt length cannot make a reader allocate wildly.</summary>
    public const int MaxBodyLength = 512 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Total bytes of the PUT record for <paramref name="flumeEvent"/>.</summary>
    public static int PutSize(FlumeEvent flumeEvent)
    {
        var size = HeaderSize + BodyPrefix + VarintSize((uint)flumeEvent.HeaderCount);
        if (flumeEvent.TryGetPacked(out var packed))
        {
            // Headers still in UTF-8 (kept from the request or packed by an appender) are sized as they are.
            foreach (var (key, value) in packed)
            {
                size += VarintSize((uint)key.Length) + key.Length + VarintSize((uint)value.Length) + value.Length;
            }
        }
        else
        {
            foreach (var (key, value) in Headers(flumeEvent))
            {
                var keyBytes = Encoding.UTF8.GetByteCount(key);
                var valueBytes = Encoding.UTF8.GetByteCount(value);
                size += VarintSize((uint)keyBytes) + keyBytes + VarintSize((uint)valueBytes) + valueBytes;
            }
        }

        return size + VarintSize((uint)flumeEvent.Body.Length) + flumeEvent.Body.Length;
    }

    /// <summary>Writes a PUT record of exactly <paramref name="size"/> bytes (from <see cref="PutSize"/>).</summary>
    public static void WritePut(IBufferWriter<byte> output, long txId, FlumeEvent flumeEvent, int size)
    {
        var record = output.GetSpan(size)[..size];
        var body = record[HeaderSize..];
        body[0] = (byte)RecordType.Put;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], txId);
        var position = BodyPrefix;
        position += WriteVarint(body[position..], (uint)flumeEvent.HeaderCount);
        if (flumeEvent.TryGetPacked(out var packed))
        {
            // Copied as they are, without making strings of them: the same bytes WriteString would write.
            foreach (var (key, value) in packed)
            {
                position += WriteBytes(body[position..], key);
                position += WriteBytes(body[position..], value);
            }
        }
        else
        {
            foreach (var (key, value) in Headers(flumeEvent))
            {
                position += WriteString(body[position..], key);
                position += WriteString(body[position..], value);
            }
        }

        position += WriteVarint(body[position..], (uint)flumeEvent.Body.Length);
        flumeEvent.Body.Span.CopyTo(body[position..]);
        Seal(record);
        output.Advance(size);
    }

    /// <summary>Total bytes of a TAKE record.</summary>
    public const int TakeSize = HeaderSize + BodyPrefix + 8;

    /// <summary>Writes a TAKE record naming the PUT record at <paramref name="pointer"/>.</summary>
    public static void WriteTake(IBufferWriter<byte> output, long txId, long pointer)
    {
        var record = output.GetSpan(TakeSize)[..TakeSize];
        var body = record[HeaderSize..];
        body[0] = (byte)RecordType.Take;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], txId);
        BinaryPrimitives.WriteInt64LittleEndian(body[BodyPrefix..], pointer);
        Seal(record);
        output.Advance(TakeSize);
    }

    /// <summary>Total bytes of a COMMIT record.</summary>
    public const int CommitSize = HeaderSize + BodyPrefix + 8 + 4 + 4;

    /// <summary>Writes the COMMIT record that makes the transaction's <paramref name="putCount"/> puts and <paramref name="takeCount"/> takes count.</summary>
    public static void WriteCommit(IBufferWriter<byte> output, long txId, long commitSequence, int putCount, int takeCount)
    {
        var record = output.GetSpan(CommitSize)[..CommitSize];
        var body = record[HeaderSize..];
        body[0] = (byte)RecordType.Commit;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], txId);
        BinaryPrimitives.WriteInt64LittleEndian(body[BodyPrefix..], commitSequence);
        BinaryPrimitives.WriteInt32LittleEndian(body[(BodyPrefix + 8)..], putCount);
        BinaryPrimitives.WriteInt32LittleEndian(body[(BodyPrefix + 12)..], takeCount);
        Seal(record);
        output.Advance(CommitSize);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> (at least <see cref="HeaderSize"/> + <see cref="BodyPrefix"/> bytes)
    /// with one SKIP record spanning it exactly: how a repair replaces a corrupt region without moving any
    /// other record, so pointers held in checkpoints stay valid.
    /// </summary>
    public static void WriteSkip(Span<byte> destination)
    {
        destination.Clear();
        destination[HeaderSize] = (byte)RecordType.Skip;
        Seal(destination);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/>: Done with its parts, NeedMoreData when
    /// <paramref name="data"/> ends inside it, InvalidData when its magic, length, checksum, type or (for a TAKE or
    /// COMMIT) payload size is wrong.
    /// </summary>
    public static OperationStatus TryRead(ReadOnlySpan<byte> data, out RecordType type, out long txId, out ReadOnlySpan<byte> payload, out int totalLength)
    {
        type = default;
        txId = 0;
        payload = default;
        totalLength = 0;
        if (data.Length < HeaderSize)
        {
            return OperationStatus.NeedMoreData;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            return OperationStatus.InvalidData;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (length < BodyPrefix || length > MaxBodyLength)
        {
            return OperationStatus.InvalidData;
        }

        if (data.Length - HeaderSize < length)
        {
            return OperationStatus.NeedMoreData;
        }

        var body = data.Slice(HeaderSize, (int)length);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[8..]))
        {
            return OperationStatus.InvalidData;
        }

        type = (RecordType)body[0];
        if (type is < RecordType.Put or > RecordType.Skip)
        {
            return OperationStatus.InvalidData;
        }

        // A valid checksum over a TAKE or COMMIT of the wrong size is no bit rot but a broken or foreign writer: refuse
        // it like damage, so replay names the file and offset instead of failing inside a payload reader.
        var payloadLength = body.Length - BodyPrefix;
        if ((type == RecordType.Take && payloadLength != TakeSize - HeaderSize - BodyPrefix)
            || (type == RecordType.Commit && payloadLength != CommitSize - HeaderSize - BodyPrefix))
        {
            return OperationStatus.InvalidData;
        }

        txId = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
        payload = body[BodyPrefix..];
        totalLength = HeaderSize + (int)length;
        return OperationStatus.Done;
    }

    /// <summary>The pointer a TAKE payload names.</summary>
    public static long ReadTake(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    /// <summary>A COMMIT payload's sequence and counts.</summary>
    public static (long Sequence, int Puts, int Takes) ReadCommit(ReadOnlySpan<byte> payload) => (
        BinaryPrimitives.ReadInt64LittleEndian(payload),
        BinaryPrimitives.ReadInt32LittleEndian(payload[8..]),
        BinaryPrimitives.ReadInt32LittleEndian(payload[12..]));

    /// <summary>Decodes a PUT payload; false when it is malformed (which a valid checksum makes a bug, not bit rot).</summary>
    public static bool TryReadPut(ReadOnlySpan<byte> payload, out FlumeEvent? flumeEvent)
    {
        flumeEvent = null;
        var position = 0;
        if (!TryReadVarint(payload, ref position, out var headerCount) || headerCount > payload.Length)
        {
            return false;
        }

        var headers = new Dictionary<string, string>((int)headerCount, StringComparer.Ordinal);
        for (var i = 0; i < headerCount; i++)
        {
            if (!TryReadString(payload, ref position, out var key) || !TryReadString(payload, ref position, out var value))
            {
                return false;
            }

            headers[key] = value;
        }

        if (!TryReadVarint(payload, ref position, out var bodyLength) || bodyLength != payload.Length - position)
        {
            return false;
        }

        flumeEvent = new FlumeEvent(headers, payload[position..].ToArray());
        return true;
    }

    private static readonly Dictionary<string, string> NoHeaders = [];

    /// <summary>The event's headers without creating a map for events that have none.</summary>
    private static Dictionary<string, string> Headers(FlumeEvent flumeEvent) => flumeEvent.HeaderCount == 0 ? NoHeaders : flumeEvent.HeaderMap;

    private static void Seal(Span<byte> record)
    {
        var body = record[HeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32C.Compute(body));
    }

    private static int VarintSize(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        var prefix = WriteVarint(destination, (uint)value.Length);
        value.CopyTo(destination[prefix..]);
        return prefix + value.Length;
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var prefix = WriteVarint(destination, (uint)length);
        Encoding.UTF8.GetBytes(value, destination[prefix..]);
        return prefix + length;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= data.Length)
            {
                return false;
            }

            var b = data[position++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadString(ReadOnlySpan<byte> data, ref int position, out string value)
    {
        value = "";
        if (!TryReadVarint(data, ref position, out var length) || length > data.Length - position)
        {
            return false;
        }

        try
        {
            value = StrictUtf8.GetString(data.Slice(position, (int)length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        position += (int)length;
        return true;
    }
}
