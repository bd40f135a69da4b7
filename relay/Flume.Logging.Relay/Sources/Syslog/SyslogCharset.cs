using System.Text;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// A multiport port's <c>charset</c>. The parser reads the syslog header as ASCII bytes, so only charsets that
/// keep ASCII as ASCII are accepted; the charset then decides which frames are text at all (Flume's decoder
/// rejects malformed input, and such a frame becomes an <c>Invalid</c> event with its bytes as sent).
/// </summary>
internal sealed class SyslogCharset
{
    private const int Utf8CodePage = 65001;
    private const int AsciiCodePage = 20127;
    private const int Latin1CodePage = 28591;

    private readonly int _codePage;

    private SyslogCharset(string name, int codePage)
    {
        Name = name;
        _codePage = codePage;
    }

    /// <summary>UTF-8, Flume's <c>charset.default</c>.</summary>
    public static SyslogCharset Utf8 { get; } = new("UTF-8", Utf8CodePage);

    /// <summary>The name as configured.</summary>
    public string Name { get; }

    /// <summary>Finds <paramref name="name"/>, or returns null with the reason in <paramref name="error"/>.</summary>
    public static SyslogCharset? TryGet(string name, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        error = null;
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(name.Trim());
        }
        catch (ArgumentException)
        {
            error = $"'{name}' is not a known charset";
            return null;
        }

        if (encoding.CodePage is not (Utf8CodePage or AsciiCodePage or Latin1CodePage))
        {
            error = $"'{name}' is not supported: syslog is parsed as ASCII bytes, so use UTF-8, US-ASCII or ISO-8859-1";
            return null;
        }

        return new SyslogCharset(name.Trim(), encoding.CodePage);
    }

    /// <summary>True for UTF-8, where a character can take more than one byte.</summary>
    public bool IsUtf8 => _codePage == Utf8CodePage;

    /// <summary>True when <paramref name="frame"/> decodes without error in this charset.</summary>
    public bool IsValid(ReadOnlySpan<byte> frame) => _codePage switch
    {
        Utf8CodePage => System.Text.Unicode.Utf8.IsValid(frame),
        AsciiCodePage => Ascii.IsValid(frame),
        _ => true,
    };
}
