namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// What <see cref="MultiportSyslogParser"/> found in one line, as offsets into that line. Unlike
/// <see cref="SyslogMessage"/> every field of a parsed line is present, even when it is empty or the nil value
/// <c>-</c>: Flume's multiport parser sets all its headers or fails the whole line.
/// </summary>
internal readonly record struct MultiportSyslogMessage
{
    /// <summary>
    /// False when the line broke the parser's expectations (no <c>&lt;PRI&gt;</c>, no timestamp or host it
    /// could read): Flume's multiport source then makes an <c>Invalid</c> event of the line as sent.
    /// </summary>
    public bool Parsed { get; init; }

    /// <summary>The priority value as Java's <c>Integer.parseInt</c> reads it (a sign is allowed).</summary>
    public int Priority { get; init; }

    /// <summary>The text between <c>&lt;</c> and <c>&gt;</c>, as sent (Flume's <c>priority</c> header).</summary>
    public Range PriorityText { get; init; }

    /// <summary>The version <c>1</c> when the line has one, else empty (no <c>version</c> header).</summary>
    public Range Version { get; init; }

    /// <summary>
    /// The timestamp as sent: the 15 characters after the priority for RFC 3164, the text up to the next space
    /// for RFC 5424, or <c>-</c>; what <c>keepFields timestamp</c> puts back.
    /// </summary>
    public Range TimestampText { get; init; }

    /// <summary>The <c>timestamp</c> header: epoch milliseconds; 0 for an RFC 3164 time that does not parse.</summary>
    public long TimestampMillis { get; init; }

    /// <summary>The text up to the next space after the timestamp, as sent (may be <c>-</c> or empty).</summary>
    public Range Host { get; init; }

    /// <summary>Where the message after the host starts; the line's length when nothing follows the host.</summary>
    public int BodyStart { get; init; }

    /// <summary>The facility, Java's <c>priority / 8</c>.</summary>
    public int Facility => Priority / 8;

    /// <summary>The severity, Java's <c>priority % 8</c> (negative for a negative priority, as in Flume).</summary>
    public int Severity => Priority % 8;
}
