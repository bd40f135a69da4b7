using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Flume.Logging.Protocol;

/// <summary>
/// Headers already in UTF-8, laid out one after another as <c>[key length][key][value length][value]</c>, with
/// 4-byte little-endian lengths or, for headers still in the request they were decoded from, that wire's lengths
/// (<see cref="PackedLayout"/>: the entries of a one-block Avro map or of a Thrift map). A producer that builds
/// events at high rate (an appender) writes them once, straight from its log records, a server keeps them where they arrived, and every wire encoder
/// copies the bytes with its own length prefix instead of going through a dictionary of strings. Keys are distinct
/// and valid UTF-8, as whoever builds the block guarantees.
/// </summary>
internal readonly struct PackedHeaders
{
    /// <summary>Bytes of each length prefix in the fixed layout.</summary>
    public const int LengthPrefix = 4;

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly PackedLayout _layout;

    public PackedHeaders(ReadOnlyMemory<byte> bytes, int count)
        : this(bytes, count, PackedLayout.Fixed)
    {
    }

    private PackedHeaders(ReadOnlyMemory<byte> bytes, int count, PackedLayout layout)
    {
        _bytes = bytes;
        Count = count;
        _layout = layout;
    }

    /// <summary>How many headers the block holds.</summary>
    public int Count { get; }

    /// <summary>
    /// Most headers a request's event keeps as bytes: finding repeated keys compares every pair, cheap for the few
    /// headers events carry; more go to a map.
    /// </summary>
    public const int MaxWireEntries = 16;

    /// <summary>
    /// The <paramref name="count"/> entries of a map as a request carried them, in <paramref name="layout"/>, whose
    /// lengths the decoder has checked, kept as they are when they can be read back exactly: at most
    /// <see cref="MaxWireEntries"/>, keys and values valid UTF-8, keys distinct. False for any other map, which the
    /// decoder reads into strings instead.
    /// </summary>
    public static bool TryFromWireEntries(ReadOnlyMemory<byte> entries, int count, PackedLayout layout, out PackedHeaders packed)
    {
        packed = default;
        if (count > MaxWireEntries)
        {
            return false;
        }

        foreach (var (key, value) in new EntryList(entries.Span, layout))
        {
            if (!Utf8.IsValid(key) || !Utf8.IsValid(value))
            {
                return false;
            }
        }

        var candidate = new PackedHeaders(entries, count, layout);
        if (candidate.HasDuplicateKeys())
        {
            return false;
        }

        packed = candidate;
        return true;
    }

    /// <summary>The entries as Avro encodes them, when that is how they are held: an Avro encoder copies them as is.</summary>
    public bool TryGetAvroEntries(out ReadOnlySpan<byte> entries)
    {
        var avro = _layout == PackedLayout.Avro;
        entries = avro ? _bytes.Span : default;
        return avro;
    }

    public Enumerator GetEnumerator() => new(_bytes.Span, _layout);

    /// <summary>
    /// Headers as strings from <paramref name="count"/> entries in <paramref name="layout"/> whose lengths are known
    /// to fit, leniently as Java decodes them: invalid UTF-8 becomes U+FFFD and a repeated key keeps its last value.
    /// </summary>
    public static Dictionary<string, string> ToDictionary(ReadOnlySpan<byte> entries, int count, PackedLayout layout)
    {
        var headers = new Dictionary<string, string>(count, StringComparer.Ordinal);
        foreach (var (key, value) in new EntryList(entries, layout))
        {
            headers[HeaderKeyCache.GetOrDecodeLenient(key)] = Encoding.UTF8.GetString(value);
        }

        return headers;
    }

    /// <summary>Whether two headers have the same key; for the small blocks requests carry (it compares every pair).</summary>
    public bool HasDuplicateKeys()
    {
        var outer = GetEnumerator();
        for (var i = 0; outer.MoveNext(); i++)
        {
            var inner = GetEnumerator();
            for (var j = 0; j <= i && inner.MoveNext(); j++)
            {
                if (j < i && inner.Current.Key.SequenceEqual(outer.Current.Key))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The headers as strings, for readers of <see cref="FlumeEvent.Headers"/>.</summary>
    public Dictionary<string, string> ToDictionary() => ToDictionary(_bytes.Span, Count, _layout);

    /// <summary>Entries in a span, to walk with <c>foreach</c>.</summary>
    private readonly ref struct EntryList(ReadOnlySpan<byte> entries, PackedLayout layout)
    {
        private readonly ReadOnlySpan<byte> _entries = entries;

        public Enumerator GetEnumerator() => new(_entries, layout);
    }

    /// <summary>Walks the block's key/value pairs without allocating.</summary>
    public ref struct Enumerator
    {
        private readonly PackedLayout _layout;
        private ReadOnlySpan<byte> _rest;

        public Enumerator(ReadOnlySpan<byte> bytes, PackedLayout layout)
        {
            _rest = bytes;
            _layout = layout;
        }

        public Header Current { get; private set; }

        public bool MoveNext()
        {
            if (_rest.IsEmpty)
            {
                return false;
            }

            var key = Next();
            Current = new Header(key, Next());
            return true;
        }

        private ReadOnlySpan<byte> Next()
        {
            int prefix;
            int length;
            switch (_layout)
            {
                case PackedLayout.Fixed:
                    prefix = LengthPrefix;
                    length = BinaryPrimitives.ReadInt32LittleEndian(_rest);
                    break;
                case PackedLayout.ThriftBinary:
                    prefix = 4;
                    length = BinaryPrimitives.ReadInt32BigEndian(_rest);
                    break;
                default:
                    // Checked when the block was built: a varint that fits the block, zig-zag (non-negative) for Avro.
                    ulong raw = 0;
                    prefix = 0;
                    byte b;
                    do
                    {
                        b = _rest[prefix];
                        raw |= (ulong)(b & 0x7F) << (7 * prefix);
                        prefix++;
                    }
                    while ((b & 0x80) != 0);

                    length = (int)(_layout == PackedLayout.Avro ? raw >> 1 : raw);
                    break;
            }

            var field = _rest.Slice(prefix, length);
            _rest = _rest[(prefix + length)..];
            return field;
        }
    }

    /// <summary>One header's UTF-8 key and value.</summary>
    public readonly ref struct Header(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        public ReadOnlySpan<byte> Key { get; } = key;

        public ReadOnlySpan<byte> Value { get; } = value;

        public void Deconstruct(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
        {
            key = Key;
            value = Value;
        }
    }
}
