using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Turns a line into the event Flume's multiport source builds with its own parser
/// (<see cref="MultiportSyslogParser"/>): a parsed line gets <c>Facility</c>, <c>Severity</c>, <c>priority</c>,
/// <c>version</c> (only for <c>1</c>), <c>timestamp</c> and <c>host</c>, all as read, even <c>-</c> or empty; a line
/// that does not parse gets only <c>flume.syslog.status</c> = <c>Invalid</c> and its text as the body; a parsed
/// line cut at eventSize is flagged <c>Incomplete</c>. The source's client headers come last and win.
/// </summary>
internal static class MultiportSyslogEventBuilder
{
    /// <summary>
    /// Builds the event for <paramref name="line"/>, text in a charset that <paramref name="utf8"/> says is UTF-8
    /// or single-byte. <paramref name="incomplete"/> says the line was cut at eventSize.
    /// </summary>
    public static FlumeEvent Build(
        ReadOnlySpan<byte> line, bool incomplete, SyslogFields keep, bool utf8, DateTimeOffset now, TimeZoneInfo localZone,
        ReadOnlySpan<KeyValuePair<string, string>> extraHeaders)
    {
        var message = MultiportSyslogParser.Parse(line, utf8, now, localZone);
        scoped var headers = new HeaderList(extraHeaders);
        if (!message.Parsed)
        {
            // Flume catches the parser's error and keeps the line, with no syslog header but the status.
            headers.Add(SyslogEventBuilder.StatusHeader, "flume.syslog.status"u8, "Invalid"u8);
            return SyslogEventBuilder.Pack(headers, line);
        }

        // Facility and severity of a priority up to 99999 (or -9999, Java's parseInt takes a sign); epoch millis.
        Span<byte> facility = stackalloc byte[6];
        Span<byte> severity = stackalloc byte[2];
        Span<byte> timestamp = stackalloc byte[20];
        facility = facility[..SyslogEventBuilder.Format(message.Facility, facility)];
        severity = severity[..SyslogEventBuilder.Format(message.Severity, severity)];
        timestamp = timestamp[..SyslogEventBuilder.Format(message.TimestampMillis, timestamp)];
        headers.Add("Facility", "Facility"u8, facility);
        headers.Add("Severity", "Severity"u8, severity);
        headers.Add("priority", "priority"u8, line[message.PriorityText]);
        headers.Add("version", "version"u8, line[message.Version]);
        headers.Add("timestamp", "timestamp"u8, timestamp);
        headers.Add("host", "host"u8, line[message.Host], keepEmpty: true);
        if (incomplete)
        {
            headers.Add(SyslogEventBuilder.StatusHeader, "flume.syslog.status"u8, "Incomplete"u8);
        }

        return SyslogEventBuilder.Pack(headers, Body(line, message, keep));
    }

    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> line, in MultiportSyslogMessage message, SyslogFields keep)
    {
        // Nothing after the host, or keepFields all: the line as sent.
        if (message.BodyStart >= line.Length || keep.HasFlag(SyslogFields.All))
        {
            return line;
        }

        var body = line[message.BodyStart..];
        return keep == SyslogFields.None
            ? body
            : SyslogEventBuilder.PrependFields(keep, line[message.PriorityText], line[message.Version], line[message.TimestampText], line[message.Host], body);
    }
}
