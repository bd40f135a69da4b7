using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Protocol;

/// <summary>
/// Headers already in UTF-8, laid out one after another as <c>[key length][key][value length][value]</c>, with
/// 4-byte little-endian lengths or, for headers still in the Avro request they were decoded from, Avro's zig-zag
/// varint lengths (the entries of a one-block Avro map). A producer that builds events at high rate (an appender)
/// writes them once, straight from its log records, a server keeps them where they arrived, and every wire encoder
/// copies the bytes with its own length prefix instead of going through a dictionary of strings. Keys are distinct
/// and valid UTF-8, as whoever builds the block guarantees.
/// </summary>
internal readonly struct PackedHeaders
{
    /// <summary>Bytes of each length prefix in the fixed layout.</summary>
    public const int LengthPrefix = 4;

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly bool _avro;

    public PackedHeaders(ReadOnlyMemory<byte> bytes, int count)
        : this(bytes, count, avro: false)
    {
    }

    private PackedHeaders(ReadOnlyMemory<byte> bytes, int count, bool avro)
    {
        _bytes = bytes;
        Count = count;
        _avro = avro;
    }

    /// <summary>How many headers the block holds.</summary>
    public int Count { get; }

    /// <summary>The entries of a one-block Avro <c>map&lt;string&gt;</c>, already checked: distinct keys, valid UTF-8.</summary>
    public static PackedHeaders FromAvroEntries(ReadOnlyMemory<byte> entries, int count) => new(entries, count, avro: true);

    /// <summary>The entries as Avro encodes them, when that is how they are held: an Avro encoder copies them as is.</summary>
    public bool TryGetAvroEntries(out ReadOnlySpan<byte> entries)
    {
        entries = _avro ? _bytes.Span : default;
        return _avro;
    }

    public Enumerator GetEnumerator() => new(_bytes.Span, _avro);

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
    public Dictionary<string, string> ToDictionary()
    {
        var headers = new Dictionary<string, string>(Count, StringComparer.Ordinal);
        foreach (var (key, value) in this)
        {
            headers[HeaderKeyCache.GetOrDecodeLenient(key)] = Encoding.UTF8.GetString(value);
        }

        return headers;
    }

    /// <summary>Walks the block's key/value pairs without allocating.</summary>
    public ref struct Enumerator
    {
        private readonly bool _avro;
        private ReadOnlySpan<byte> _rest;

        public Enumerator(ReadOnlySpan<byte> bytes, bool avro)
        {
            _rest = bytes;
            _avro = avro;
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
            if (_avro)
            {
                // Checked when the block was built: a non-negative zig-zag varint that fits the block.
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

                length = (int)(raw >> 1);
            }
            else
            {
                prefix = LengthPrefix;
                length = BinaryPrimitives.ReadInt32LittleEndian(_rest);
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
