using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Protocol;

/// <summary>
/// Headers already in UTF-8, laid out one after another as <c>[key length][key][value length][value]</c> with
/// 4-byte little-endian lengths. A producer that builds events at high rate (an appender) writes them once, straight
/// from its log records, and every wire encoder copies the bytes with its own length prefix instead of going through
/// a dictionary of strings. Keys are assumed distinct, as the producer guarantees.
/// </summary>
internal readonly struct PackedHeaders
{
    /// <summary>Bytes of each length prefix.</summary>
    public const int LengthPrefix = 4;

    private readonly ReadOnlyMemory<byte> _bytes;

    public PackedHeaders(ReadOnlyMemory<byte> bytes, int count)
    {
        _bytes = bytes;
        Count = count;
    }

    /// <summary>How many headers the block holds.</summary>
    public int Count { get; }

    public Enumerator GetEnumerator() => new(_bytes.Span);

    /// <summary>The headers as strings, for readers of <see cref="FlumeEvent.Headers"/>.</summary>
    public Dictionary<string, string> ToDictionary()
    {
        var headers = new Dictionary<string, string>(Count, StringComparer.Ordinal);
        foreach (var (key, value) in this)
        {
            headers[Encoding.UTF8.GetString(key)] = Encoding.UTF8.GetString(value);
        }

        return headers;
    }

    /// <summary>Walks the block's key/value pairs without allocating.</summary>
    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> _rest;

        public Enumerator(ReadOnlySpan<byte> bytes) => _rest = bytes;

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
            var length = BinaryPrimitives.ReadInt32LittleEndian(_rest);
            var field = _rest.Slice(LengthPrefix, length);
            _rest = _rest[(LengthPrefix + length)..];
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
