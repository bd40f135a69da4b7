using System.Buffers;
using System.Text;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Reads Avro binary primitives from one complete message. Every method returns <see cref="OperationStatus"/>:
/// NeedMoreData when the bytes end early, InvalidData (with <see cref="Error"/> naming what and where) when they
/// cannot be Avro; lengths and counts are checked against the bytes left before anything is allocated.
/// </summary>
internal ref struct AvroReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public AvroReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        Error = null;
    }

    /// <summary>Offset of the next unread byte.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Why the last InvalidData was returned.</summary>
    public string? Error { get; private set; }

    /// <summary>Records an InvalidData reason found by a caller (for example an unknown enum index).</summary>
    public OperationStatus Invalid(string error)
    {
        Error = $"{error} at byte {_position}";
        return OperationStatus.InvalidData;
    }

    public OperationStatus ReadLong(out long value)
    {
        value = 0;
        ulong raw = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                return OperationStatus.NeedMoreData;
            }

            var b = _data[_position++];
            if (shift == 63 && (b & 0x7E) != 0)
            {
                return Invalid("varint overflows a long");
            }

            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return OperationStatus.Done;
            }
        }

        return Invalid("varint longer than 10 bytes");
    }

    public OperationStatus ReadInt(out int value)
    {
        value = 0;
        var status = ReadLong(out var wide);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (wide is < int.MinValue or > int.MaxValue)
        {
            return Invalid($"int value {wide} out of range");
        }

        value = (int)wide;
        return OperationStatus.Done;
    }

    public OperationStatus ReadBoolean(out bool value)
    {
        value = false;
        if (_position >= _data.Length)
        {
            return OperationStatus.NeedMoreData;
        }

        var b = _data[_position];
        if (b > 1)
        {
            return Invalid($"boolean byte {b} is neither 0 nor 1");
        }

        _position++;
        value = b == 1;
        return OperationStatus.Done;
    }

    /// <summary>Reads a length-prefixed byte run without copying it.</summary>
    public OperationStatus ReadBytes(out ReadOnlySpan<byte> value)
    {
        value = default;
        var status = ReadLong(out var length);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (length < 0)
        {
            return Invalid($"negative length {length}");
        }

        if (length > Remaining)
        {
            return OperationStatus.NeedMoreData;
        }

        value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return OperationStatus.Done;
    }

    public OperationStatus ReadString(out string value) => ReadString(out value, cacheKey: false);

    /// <summary>
    /// Reads a string that is likely the same in many records (a header key), taking it from
    /// <see cref="HeaderKeyCache"/> when it was seen before instead of making a new one.
    /// </summary>
    public OperationStatus ReadKey(out string value) => ReadString(out value, cacheKey: true);

    private OperationStatus ReadString(out string value, bool cacheKey)
    {
        value = "";
        var start = _position;
        var status = ReadBytes(out var utf8);
        if (status != OperationStatus.Done || (cacheKey && HeaderKeyCache.TryGet(utf8, out value)))
        {
            return status;
        }

        try
        {
            value = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            _position = start;
            return Invalid("string is not valid UTF-8");
        }

        if (cacheKey)
        {
            HeaderKeyCache.Add(utf8, value);
        }

        return OperationStatus.Done;
    }

    public OperationStatus ReadFixed(int length, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (length > Remaining)
        {
            return OperationStatus.NeedMoreData;
        }

        value = _data.Slice(_position, length);
        _position += length;
        return OperationStatus.Done;
    }

    /// <summary>
    /// Reads a map or array block header. <paramref name="count"/> is 0 at the end of the items. A negative count
    /// (followed by the block's byte size) is accepted. The count is bounded by <paramref name="maxItems"/> and by
    /// the bytes left, given that each item takes at least <paramref name="minItemBytes"/> bytes.
    /// </summary>
    public OperationStatus ReadBlockCount(int minItemBytes, long maxItems, string what, out int count)
    {
        count = 0;
        var status = ReadLong(out var raw);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (raw < 0)
        {
            if (raw == long.MinValue)
            {
                return Invalid($"{what} block count out of range");
            }

            raw = -raw;
            status = ReadLong(out var size);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            if (size < 0)
            {
                return Invalid($"{what} block byte size {size} is negative");
            }
        }

        if (raw > maxItems)
        {
            return Invalid($"{what} has {raw} items, more than the {maxItems} allowed");
        }

        if (raw * minItemBytes > Remaining)
        {
            return OperationStatus.NeedMoreData;
        }

        count = (int)raw;
        return OperationStatus.Done;
    }

    /// <summary>Skips a <c>map&lt;bytes&gt;</c> (call and handshake metadata, which Flume never uses).</summary>
    public OperationStatus SkipBytesMap()
    {
        while (true)
        {
            var status = ReadBlockCount(2, int.MaxValue, "metadata map", out var count);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            if (count == 0)
            {
                return OperationStatus.Done;
            }

            for (var i = 0; i < count; i++)
            {
                status = ReadBytes(out _);
                if (status == OperationStatus.Done)
                {
                    status = ReadBytes(out _);
                }

                if (status != OperationStatus.Done)
                {
                    return status;
                }
            }
        }
    }
}
