namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// What <see cref="SyslogParser"/> found in one frame, as offsets into that frame so that nothing is copied
/// until the event is built. A field the message did not carry has length 0 (and, for the timestamp, no value).
/// </summary>
internal readonly record struct SyslogMessage
{
    /// <summary>True when the frame starts with a well-formed <c>&lt;PRI&gt;</c> (1-3 digits).</summary>
    public bool HasPriority { get; init; }

    /// <summary>The priority value, facility * 8 + severity; 0 when <see cref="HasPriority"/> is false.</summary>
    public int Priority { get; init; }

    /// <summary>True when the rest of the frame matched Flume's RFC 5424 or RFC 3164 header pattern.</summary>
    public bool HeaderMatched { get; init; }

    /// <summary>The priority digits as sent (Flume's <c>priority</c> header keeps leading zeros).</summary>
    public Range PriorityText { get; init; }

    /// <summary>The RFC 5424 version digit, empty for RFC 3164 messages.</summary>
    public Range Version { get; init; }

    /// <summary>The timestamp as sent, empty for the RFC 5424 nil value <c>-</c>.</summary>
    public Range TimestampText { get; init; }

    /// <summary>The timestamp in epoch milliseconds, when it could be read.</summary>
    public long? TimestampMillis { get; init; }

    /// <summary>The host name, empty for the RFC 5424 nil value <c>-</c>.</summary>
    public Range Host { get; init; }

    /// <summary>The message after the host name.</summary>
    public Range Body { get; init; }

    /// <summary>The facility, Flume's <c>Facility</c> header.</summary>
    public int Facility => Priority / 8;

    /// <summary>The severity, Flume's <c>Severity</c> header.</summary>
    public int Severity => Priority % 8;
}
