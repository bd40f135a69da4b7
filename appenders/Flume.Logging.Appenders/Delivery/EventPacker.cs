using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// Encodes events, one after another, into an <see cref="EventChunk"/> owned by the calling thread: no lock and no
/// allocation per call, where building strings, maps and arrays would give the GC work that pauses the application.
/// Also the body's <see cref="IBufferWriter{T}"/>, so a JSON body is written in place.
/// </summary>
internal sealed class EventPacker : IBufferWriter<byte>
{
    private const int Prefix = PackedHeaders.LengthPrefix;

    [ThreadStatic]
    private static EventPacker? t_packer;

    // Header keys written so far for this event, so that a later, weaker source of the same key is skipped.
    private readonly List<string> _keys = new(16);
    private FixedKeys? _fixedKeys;

    // Bits of the fixed headers whose keys a property or extra header has taken.
    private int _overridden;
    private EventChunk? _chunk;
    private int _start;
    private int _length;
    private int _headersLength;
    private int _headerCount;

    /// <summary>
    /// The calling thread's packer, taken out of its slot, so that a log call made while packing (a property whose
    /// <c>ToString</c> logs) packs into a packer of its own. Hand it back with <see cref="Return"/>.
    /// </summary>
    public static EventPacker Take(FixedKeys fixedKeys)
    {
        var packer = t_packer ?? new EventPacker();
        t_packer = null;
        packer._fixedKeys = fixedKeys;
        packer._overridden = 0;
        packer._length = 0;
        packer._headersLength = -1;
        packer._headerCount = 0;
        packer._keys.Clear();
        return packer;
    }

    /// <summary>Hands <paramref name="packer"/> back to the thread; an event left unfinished (a throw) is discarded.</summary>
    public static void Return(EventPacker packer) => t_packer = packer;

    /// <summary>
    /// Adds a header unless a stronger source already set <paramref name="key"/>: headers are written strongest first.
    /// </summary>
    public void Header(string key, string value)
    {
        if (Claim(key))
        {
            Field(key);
            Field(value);
        }
    }

    /// <summary>Adds a header whose value is a property value, formatted as <see cref="PropertyValues.Format"/> does.</summary>
    public void Header(string key, object? value)
    {
        if (!Claim(key))
        {
            return;
        }

        Field(key);
        switch (value)
        {
            case string text:
                Field(text);
                break;
            case int number:
                Formatted(number);
                break;
            case long number:
                Formatted(number);
                break;
            case bool flag:
                Field(flag ? bool.TrueString : bool.FalseString);
                break;
            case double number:
                Formatted(number);
                break;
            case decimal number:
                Formatted(number);
                break;
            default:
                Field(PropertyValues.Format(value));
                break;
        }
    }

    /// <summary>
    /// Adds a header whose key and value are both fixed, unless a property or extra header set its key. Fixed headers
    /// come after those, and their keys are distinct.
    /// </summary>
    public void Header(FixedHeader header)
    {
        if (Claim(header))
        {
            Raw(header.Bytes);
        }
    }

    /// <summary>Adds a header with a fixed key and <paramref name="value"/>, unless a stronger source set its key.</summary>
    public void Header(FixedHeader key, string value)
    {
        if (Claim(key))
        {
            Raw(key.KeyBytes);
            Field(value);
        }
    }

    /// <summary>Adds a header with a fixed key and <paramref name="number"/> in invariant digits.</summary>
    public void Header(FixedHeader key, long number)
    {
        if (Claim(key))
        {
            Raw(key.KeyBytes);
            Formatted(number);
        }
    }

    /// <summary>Ends the headers; what is written next is the body.</summary>
    public void EndHeaders() => _headersLength = _length;

    /// <summary>Writes <paramref name="text"/> to the body in UTF-8.</summary>
    public void Body(string text)
    {
        var span = GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>The event written since <see cref="Take"/>, holding its chunk; the chunk moves on past it.</summary>
    public PackedEvent Finish()
    {
        var chunk = _chunk!;
        chunk.Hold();
        var packed = new PackedEvent(chunk, _start, _headersLength, _headerCount, _length - _headersLength);
        _start += _length;
        _length = 0;
        return packed;
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // Reserve may replace the chunk: read it only after.
        var at = Reserve(sizeHint);
        return _chunk!.Bytes.AsMemory(at);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var at = Reserve(sizeHint);
        return _chunk!.Bytes.AsSpan(at);
    }

    private bool Claim(string key)
    {
        foreach (var written in _keys)
        {
            if (string.Equals(written, key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        _keys.Add(key);
        _overridden |= _fixedKeys!.Match(key);
        _headerCount++;
        return true;
    }

    private bool Claim(FixedHeader header)
    {
        if ((_overridden & header.Bit) != 0)
        {
            return false;
        }

        _headerCount++;
        return true;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    private void Field(string text)
    {
        var span = GetSpan(Prefix + Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, span[Prefix..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, written);
        Advance(Prefix + written);
    }

    private void Formatted<T>(T value)
        where T : IUtf8SpanFormattable
    {
        // 64 bytes hold any number or boolean in invariant form.
        var span = GetSpan(Prefix + 64);
        if (!value.TryFormat(span[Prefix..], out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"a {typeof(T).Name} did not fit in 64 bytes");
        }

        BinaryPrimitives.WriteInt32LittleEndian(span, written);
        Advance(Prefix + written);
    }

    /// <summary>
    /// Makes room for <paramref name="sizeHint"/> more bytes of the current event and returns where they go. When the
    /// chunk is short, the event so far moves to another chunk, and the writer gives up its hold on the old one.
    /// </summary>
    private int Reserve(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (_chunk is not { } chunk || _start + needed > chunk.Bytes.Length)
        {
            var next = EventChunk.Pool.Shared.Rent(needed);
            if (_chunk is { } previous)
            {
                previous.Bytes.AsSpan(_start, _length).CopyTo(next.Bytes);
                previous.Release();
            }

            _chunk = next;
            _start = 0;
        }

        return _start + _length;
    }
}
