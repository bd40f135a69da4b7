using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Collects one syslog event's headers as spans and writes them in <see cref="PackedHeaders"/> layout, so that an
/// event costs no dictionary and no strings. Empty values are left out unless asked for, as SyslogUtils leaves out empty fields; a syslog
/// header whose name a client header (client IP, host name, port) also uses is left out so the client header wins.
/// At most eight syslog headers.
/// </summary>
internal ref struct HeaderList
{
    private const int Capacity = 8;

    private readonly ReadOnlySpan<KeyValuePair<string, string>> _extra;
    private ReadOnlySpan<byte> _key0, _key1, _key2, _key3, _key4, _key5, _key6, _key7;
    private ReadOnlySpan<byte> _value0, _value1, _value2, _value3, _value4, _value5, _value6, _value7;
    private int _count;

    public HeaderList(ReadOnlySpan<KeyValuePair<string, string>> extra)
    {
        _extra = extra;
        _count = 0;
    }

    /// <summary>Headers that will be written, client headers included.</summary>
    public readonly int Count => _count + _extra.Length;

    /// <summary>Bytes <see cref="WriteTo"/> writes.</summary>
    public readonly int ByteCount
    {
        get
        {
            var total = 0;
            for (var i = 0; i < _count; i++)
            {
                total += (2 * PackedHeaders.LengthPrefix) + Key(i).Length + Value(i).Length;
            }

            foreach (var (key, value) in _extra)
            {
                total += (2 * PackedHeaders.LengthPrefix) + Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
            }

            return total;
        }
    }

    /// <summary>
    /// Adds a header unless a client header has the same <paramref name="name"/>, or its value is empty and
    /// <paramref name="keepEmpty"/> is false.
    /// </summary>
    public void Add(string name, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool keepEmpty = false)
    {
        if ((value.IsEmpty && !keepEmpty) || _count == Capacity)
        {
            return;
        }

        foreach (var (extraKey, _) in _extra)
        {
            if (string.Equals(extraKey, name, StringComparison.Ordinal))
            {
                return;
            }
        }

        switch (_count)
        {
            case 0: _key0 = key; _value0 = value; break;
            case 1: _key1 = key; _value1 = value; break;
            case 2: _key2 = key; _value2 = value; break;
            case 3: _key3 = key; _value3 = value; break;
            case 4: _key4 = key; _value4 = value; break;
            case 5: _key5 = key; _value5 = value; break;
            case 6: _key6 = key; _value6 = value; break;
            default: _key7 = key; _value7 = value; break;
        }

        _count++;
    }

    /// <summary>Writes the headers, syslog ones first, at the start of <paramref name="destination"/>.</summary>
    public readonly void WriteTo(Span<byte> destination)
    {
        var at = 0;
        for (var i = 0; i < _count; i++)
        {
            at += WriteField(destination[at..], Key(i));
            at += WriteField(destination[at..], Value(i));
        }

        foreach (var (key, value) in _extra)
        {
            at += WriteText(destination[at..], key);
            at += WriteText(destination[at..], value);
        }
    }

    private static int WriteField(Span<byte> destination, ReadOnlySpan<byte> field)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, field.Length);
        field.CopyTo(destination[PackedHeaders.LengthPrefix..]);
        return PackedHeaders.LengthPrefix + field.Length;
    }

    private static int WriteText(Span<byte> destination, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, destination[PackedHeaders.LengthPrefix..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        return PackedHeaders.LengthPrefix + length;
    }

    private readonly ReadOnlySpan<byte> Key(int i) => i switch
    {
        0 => _key0, 1 => _key1, 2 => _key2, 3 => _key3, 4 => _key4, 5 => _key5, 6 => _key6, _ => _key7,
    };

    private readonly ReadOnlySpan<byte> Value(int i) => i switch
    {
        0 => _value0, 1 => _value1, 2 => _value2, 3 => _value3, 4 => _value4, 5 => _value5, 6 => _value6, _ => _value7,
    };
}
