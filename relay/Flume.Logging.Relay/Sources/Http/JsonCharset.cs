using System.Text;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// The charsets Flume's JSONHandler accepts (UTF-8, UTF-16, UTF-32), read and written as Java reads and writes them:
/// the request is decoded with the charset (a byte order mark picks the endianness, big-endian otherwise, malformed
/// bytes become U+FFFD) and each body is encoded back with it, as Java's <c>String.getBytes(charset)</c> does
/// (UTF-16 with a big-endian byte order mark, UTF-32 big-endian without one).
/// </summary>
internal sealed class JsonCharset
{
    /// <summary>UTF-8, JSON's default and the charset when the request names none.</summary>
    public static readonly JsonCharset Utf8 = new("UTF-8", null, null);

    private static readonly JsonCharset Utf16 = new(
        "UTF-16", new UnicodeEncoding(bigEndian: true, byteOrderMark: false), [0xFE, 0xFF]);

    private static readonly JsonCharset Utf32 = new(
        "UTF-32", new UTF32Encoding(bigEndian: true, byteOrderMark: false), null);

    private readonly Encoding? _encoding;
    private readonly byte[]? _bodyPreamble;

    private JsonCharset(string name, Encoding? encoding, byte[]? bodyPreamble)
    {
        Name = name;
        _encoding = encoding;
        _bodyPreamble = bodyPreamble;
    }

    /// <summary>The charset's name as Flume spells it.</summary>
    public string Name { get; }

    /// <summary>True for UTF-8, whose request bytes are parsed as they are and whose bodies are copied as they are.</summary>
    public bool IsUtf8 => _encoding is null;

    /// <summary>The charset a request's <c>charset</c> parameter names; null names UTF-8.</summary>
    /// <exception cref="HttpBadRequestException">Any charset other than UTF-8, UTF-16 or UTF-32 (Flume's check).</exception>
    public static JsonCharset FromName(string? charset)
    {
        if (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return Utf8;
        }

        if (charset.Equals("utf-16", StringComparison.OrdinalIgnoreCase))
        {
            return Utf16;
        }

        return charset.Equals("utf-32", StringComparison.OrdinalIgnoreCase)
            ? Utf32
            : throw new HttpBadRequestException($"Unsupported charset '{charset}': the JSON handler supports UTF-8, UTF-16 and UTF-32 only.");
    }

    /// <summary>
    /// The request as UTF-8 for the JSON reader: UTF-8 input is returned as it is when valid (the usual case, no copy),
    /// anything else is decoded with the charset first.
    /// </summary>
    public ReadOnlySpan<byte> ToUtf8(ReadOnlySpan<byte> request)
    {
        if (_encoding is null)
        {
            return System.Text.Unicode.Utf8.IsValid(request) ? request : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(request));
        }

        return Encoding.UTF8.GetBytes(Decode(request));
    }

    /// <summary>A body's text encoded with the charset.</summary>
    public byte[] Encode(string text)
    {
        if (_encoding is null)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if (text.Length == 0 || _bodyPreamble is null)
        {
            return _encoding.GetBytes(text);
        }

        var bytes = new byte[_bodyPreamble.Length + _encoding.GetByteCount(text)];
        _bodyPreamble.CopyTo(bytes, 0);
        _encoding.GetBytes(text, 0, text.Length, bytes, _bodyPreamble.Length);
        return bytes;
    }

    private string Decode(ReadOnlySpan<byte> request)
    {
        // Java's UTF-16 and UTF-32 decoders honour a byte order mark and drop it; without one they read big-endian.
        if (ReferenceEquals(this, Utf16) && request.Length >= 2 && request[0] == 0xFF && request[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(request[2..]);
        }

        if (ReferenceEquals(this, Utf16) && request.Length >= 2 && request[0] == 0xFE && request[1] == 0xFF)
        {
            return _encoding!.GetString(request[2..]);
        }

        if (ReferenceEquals(this, Utf32) && request.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return Encoding.UTF32.GetString(request[4..]);
        }

        if (ReferenceEquals(this, Utf32) && request.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return _encoding!.GetString(request[4..]);
        }

        return _encoding!.GetString(request);
    }
}
