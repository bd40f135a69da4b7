using System.Buffers;
using System.Text;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Flume's <c>LineDeserializer</c>: one event per <c>\n</c>-terminated line of text decoded with
/// <c>inputCharset</c> and re-encoded with <c>outputCharset</c>. As in Flume, the <c>\n</c> is dropped but a
/// <c>\r</c> before it is kept, a last line without <c>\n</c> is still an event, and a line reaching
/// <c>maxLineLength</c> characters is cut there, its rest following as further events.
/// </summary>
/// <remarks>
/// Bytes are decoded one at a time so that the file offset is exact at every character: an event always ends
/// after the byte that produced its last character, which is where a rewind or a restart resumes.
/// </remarks>
internal sealed class LineEventReader : ISpoolEventReader
{
    private const int ReadBufferSize = 64 * 1024;

    private readonly FileStream _stream;
    private readonly Decoder _decoder;
    private readonly Encoding _output;
    private readonly int _maxLineLength;
    private readonly byte[] _bytes;

    /// <summary>Whether bytes below 0x80 are the ASCII characters in this charset, whatever came before them.</summary>
    private readonly bool _asciiCompatible;

    /// <summary>The characters the last decoded byte produced (usually one; two for a surrogate pair or a replaced sequence).</summary>
    private readonly char[] _group = new char[16];
    private char[] _line;
    private int _byteIndex;
    private int _byteCount;
    private int _groupIndex;
    private int _groupCount;
    private bool _atEnd;

    /// <summary>Whether the decoder holds no partial sequence: true after an ASCII byte in an ASCII-compatible charset.</summary>
    private bool _decoderClean = true;

    public LineEventReader(FileStream stream, string inputCharset, DecodeErrorPolicy policy, Encoding output, int maxLineLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        DecoderFallback fallback = policy switch
        {
            DecodeErrorPolicy.Replace => new DecoderReplacementFallback("\uFFFD"),
            DecodeErrorPolicy.Ignore => new DecoderReplacementFallback(string.Empty),
            _ => DecoderFallback.ExceptionFallback,
        };
        var input = Encoding.GetEncoding(inputCharset, EncoderFallback.ReplacementFallback, fallback);
        _decoder = input.GetDecoder();
        _asciiCompatible = IsAsciiCompatible(input);
        _output = output;
        _maxLineLength = maxLineLength;
        _bytes = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        _line = ArrayPool<char>.Shared.Rent(Math.Min(maxLineLength, 4096) + _group.Length);
        Position = stream.Position;
    }

    public long Position { get; private set; }

    public void Seek(long position)
    {
        _stream.Position = position;
        Position = position;
        _byteIndex = 0;
        _byteCount = 0;
        _groupIndex = 0;
        _groupCount = 0;
        _atEnd = false;
        _decoderClean = true;
        _decoder.Reset();
    }

    public bool TryReadEvent(out byte[] body)
    {
        var readChars = 0;
        var length = 0;
        while (TryReadChar(out var c))
        {
            readChars++;
            if (c == '\n')
            {
                break;
            }

            if (length == _line.Length)
            {
                Grow();
            }

            _line[length++] = c;

            // Cut only where a byte ends, so the next event starts at an exact file offset (this also keeps a
            // surrogate pair together, where Flume may split it).
            if (readChars >= _maxLineLength && _groupIndex == _groupCount)
            {
                break;
            }
        }

        if (readChars == 0)
        {
            body = [];
            return false;
        }

        body = _output.GetBytes(_line, 0, length);
        return true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<char>.Shared.Return(_line);
    }

    private bool TryReadChar(out char c)
    {
        if (_groupIndex < _groupCount)
        {
            c = _group[_groupIndex++];
            return true;
        }

        while (true)
        {
            if (_byteIndex == _byteCount)
            {
                if (_atEnd)
                {
                    c = default;
                    return false;
                }

                _byteCount = _stream.Read(_bytes, 0, ReadBufferSize);
                _byteIndex = 0;
                if (_byteCount == 0)
                {
                    // End of file: an incomplete last sequence is a decode error like any other.
                    _atEnd = true;
                    return TakeGroup(_decoder.GetChars(ReadOnlySpan<byte>.Empty, _group, flush: true), out c);
                }
            }

            var b = _bytes[_byteIndex];
            var ascii = b < 0x80 && _asciiCompatible;
            if (ascii && _decoderClean)
            {
                // The common case, without a decoder call: a whole character in one byte.
                _byteIndex++;
                Position++;
                _groupCount = 0;
                _groupIndex = 0;
                c = (char)b;
                return true;
            }

            var produced = _decoder.GetChars(_bytes.AsSpan(_byteIndex, 1), _group, flush: false);
            _byteIndex++;
            Position++;

            // An ASCII byte completes (or, under REPLACE/IGNORE, settles) whatever the decoder held before it.
            _decoderClean = ascii;
            if (produced > 0)
            {
                return TakeGroup(produced, out c);
            }
        }
    }

    private static bool IsAsciiCompatible(Encoding encoding)
    {
        if (encoding is not UTF8Encoding && !encoding.IsSingleByte)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[128];
        Span<char> chars = stackalloc char[128];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)i;
        }

        if (encoding.GetChars(bytes, chars) != chars.Length)
        {
            return false;
        }

        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] != i)
            {
                return false;
            }
        }

        return true;
    }

    private bool TakeGroup(int count, out char c)
    {
        _groupCount = count;
        _groupIndex = 0;
        if (count == 0)
        {
            c = default;
            return false;
        }

        c = _group[_groupIndex++];
        return true;
    }

    private void Grow()
    {
        var bigger = ArrayPool<char>.Shared.Rent(_line.Length * 2);
        _line.AsSpan().CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_line);
        _line = bigger;
    }
}
