using System.Globalization;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Turns a parsed frame into the event Flume's <c>SyslogUtils</c> builds: <c>Facility</c> and <c>Severity</c>
/// always, <c>priority</c>, <c>version</c>, <c>timestamp</c> (epoch ms) and <c>host</c> when the header matched,
/// <c>flume.syslog.status</c> for invalid or cut messages, then the source's client headers.
/// </summary>
internal static class SyslogEventBuilder
{
    /// <summary>Flume's header naming an invalid or incomplete message.</summary>
    public const string StatusHeader = "flume.syslog.status";

    /// <summary>
    /// Builds the event for <paramref name="frame"/>. <paramref name="incomplete"/> says the frame was cut at
    /// eventSize; <paramref name="extraHeaders"/> (client IP, host name, port) are set last and so win over a
    /// syslog header of the same name, as in Flume.
    /// </summary>
    public static FlumeEvent Build(
        ReadOnlySpan<byte> frame, bool incomplete, SyslogFields keep, DateTimeOffset now, TimeZoneInfo localZone, ReadOnlySpan<KeyValuePair<string, string>> extraHeaders)
    {
        var message = SyslogParser.Parse(frame, now, localZone);
        Span<byte> facility = stackalloc byte[3];
        Span<byte> severity = stackalloc byte[1];
        Span<byte> timestamp = stackalloc byte[20];
        facility = facility[..Format(message.Facility, facility)];
        severity = severity[..Format(message.Severity, severity)];
        var written = 0;
        var hasTimestamp = message.HeaderMatched && message.TimestampMillis is { } millis && millis.TryFormat(timestamp, out written, default, CultureInfo.InvariantCulture);
        timestamp = hasTimestamp ? timestamp[..written] : default;
        var status = !message.HasPriority ? "Invalid"u8 : incomplete ? "Incomplete"u8 : default;

        // The headers Flume's SyslogUtils sets, in its order; a client header of the same name replaces one.
        scoped var headers = new HeaderList(extraHeaders);
        headers.Add("Facility", "Facility"u8, facility);
        headers.Add("Severity", "Severity"u8, severity);
        if (message.HeaderMatched)
        {
            headers.Add("priority", "priority"u8, frame[message.PriorityText]);
            headers.Add("version", "version"u8, frame[message.Version]);
            headers.Add("timestamp", "timestamp"u8, timestamp);
            headers.Add("host", "host"u8, frame[message.Host]);
        }

        headers.Add(StatusHeader, "flume.syslog.status"u8, status);

        return Pack(headers, Body(frame, message, keep));
    }

    /// <summary>
    /// The event of <paramref name="headers"/> and <paramref name="body"/>: one array holds the packed headers and
    /// the body, so an event costs one allocation and wire encoders copy the header bytes as they are.
    /// </summary>
    public static FlumeEvent Pack(scoped in HeaderList headers, ReadOnlySpan<byte> body)
    {
        var headerBytes = headers.ByteCount;
        var block = new byte[headerBytes + body.Length];
        headers.WriteTo(block);
        body.CopyTo(block.AsSpan(headerBytes));
        return new FlumeEvent(new PackedHeaders(block.AsMemory(0, headerBytes), headers.Count), block.AsMemory(headerBytes));
    }

    /// <summary>
    /// The event for a frame that is not text in the port's charset: Flume's multiport source keeps the bytes
    /// and flags the event <c>Invalid</c> without parsing it.
    /// </summary>
    public static FlumeEvent BuildUndecodable(ReadOnlySpan<byte> frame, ReadOnlySpan<KeyValuePair<string, string>> extraHeaders)
    {
        var headers = new Dictionary<string, string>(1 + extraHeaders.Length, StringComparer.Ordinal) { [StatusHeader] = "Invalid" };
        AddExtra(headers, extraHeaders);
        return new FlumeEvent(headers, frame.ToArray());
    }

    private static void AddExtra(Dictionary<string, string> headers, ReadOnlySpan<KeyValuePair<string, string>> extraHeaders)
    {
        foreach (var (key, value) in extraHeaders)
        {
            headers[key] = value;
        }
    }

    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> frame, in SyslogMessage message, SyslogFields keep)
    {
        if (!message.HeaderMatched || keep.HasFlag(SyslogFields.All))
        {
            return frame;
        }

        var body = frame[message.Body];
        if (keep == SyslogFields.None)
        {
            // Flume falls back to the whole message when the text after the host name is empty.
            return body.IsEmpty ? frame : body;
        }

        // A nil (-) timestamp or host is kept as the "-" that was sent.
        var timestamp = message.TimestampText.Equals(default(Range)) ? "-"u8 : frame[message.TimestampText];
        var host = message.Host.Equals(default(Range)) ? "-"u8 : frame[message.Host];
        return PrependFields(keep, frame[message.PriorityText], frame[message.Version], timestamp, host, body);
    }

    /// <summary>
    /// Flume's <c>addFieldsToBody</c>: the kept fields in front of <paramref name="body"/>, in the order they were
    /// sent, <c>&lt;PRI&gt;version timestamp hostname body</c>; an empty version is left out.
    /// </summary>
    public static byte[] PrependFields(
        SyslogFields keep, ReadOnlySpan<byte> pri, ReadOnlySpan<byte> version, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> host, ReadOnlySpan<byte> body)
    {
        var keepPriority = keep.HasFlag(SyslogFields.Priority);
        var keepVersion = keep.HasFlag(SyslogFields.Version) && !version.IsEmpty;
        var keepTimestamp = keep.HasFlag(SyslogFields.Timestamp);
        var keepHost = keep.HasFlag(SyslogFields.Hostname);
        var length = body.Length
            + (keepPriority ? pri.Length + 2 : 0)
            + (keepVersion ? version.Length + 1 : 0)
            + (keepTimestamp ? timestamp.Length + 1 : 0)
            + (keepHost ? host.Length + 1 : 0);
        var result = new byte[length];
        var at = 0;
        if (keepPriority)
        {
            result[at++] = (byte)'<';
            Append(pri, result, ref at);
            result[at++] = (byte)'>';
        }

        AppendField(keepVersion, version, result, ref at);
        AppendField(keepTimestamp, timestamp, result, ref at);
        AppendField(keepHost, host, result, ref at);
        Append(body, result, ref at);
        return result;
    }

    private static void AppendField(bool keep, ReadOnlySpan<byte> field, byte[] result, ref int at)
    {
        if (keep)
        {
            Append(field, result, ref at);
            result[at++] = (byte)' ';
        }
    }

    private static void Append(ReadOnlySpan<byte> source, byte[] result, ref int at)
    {
        source.CopyTo(result.AsSpan(at));
        at += source.Length;
    }

    /// <summary>Writes <paramref name="value"/> in invariant digits and returns the length.</summary>
    public static int Format(long value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }
}
