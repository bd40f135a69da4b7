using System.Globalization;
using System.Text;
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

    private static readonly string[] Numbers = [.. Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>
    /// Builds the event for <paramref name="frame"/>. <paramref name="incomplete"/> says the frame was cut at
    /// eventSize; <paramref name="extraHeaders"/> (client IP, host name, port) are set last and so win over a
    /// syslog header of the same name, as in Flume.
    /// </summary>
    public static FlumeEvent Build(
        ReadOnlySpan<byte> frame, bool incomplete, SyslogFields keep, DateTimeOffset now, TimeZoneInfo localZone, ReadOnlySpan<KeyValuePair<string, string>> extraHeaders)
    {
        var message = SyslogParser.Parse(frame, now, localZone);
        var headers = new Dictionary<string, string>(8 + extraHeaders.Length, StringComparer.Ordinal)
        {
            ["Facility"] = Numbers[message.Facility],
            ["Severity"] = Numbers[message.Severity],
        };
        if (message.HeaderMatched)
        {
            headers["priority"] = Text(frame[message.PriorityText]);
            if (!frame[message.Version].IsEmpty)
            {
                headers["version"] = Text(frame[message.Version]);
            }

            if (message.TimestampMillis is { } millis)
            {
                headers["timestamp"] = millis.ToString(CultureInfo.InvariantCulture);
            }

            if (!frame[message.Host].IsEmpty)
            {
                headers["host"] = Text(frame[message.Host]);
            }
        }

        if (!message.HasPriority)
        {
            headers[StatusHeader] = "Invalid";
        }
        else if (incomplete)
        {
            headers[StatusHeader] = "Incomplete";
        }

        AddExtra(headers, extraHeaders);
        return new FlumeEvent(headers, Body(frame, message, keep));
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

    private static byte[] Body(ReadOnlySpan<byte> frame, in SyslogMessage message, SyslogFields keep)
    {
        if (!message.HeaderMatched || keep.HasFlag(SyslogFields.All))
        {
            return frame.ToArray();
        }

        var body = frame[message.Body];
        if (keep == SyslogFields.None)
        {
            // Flume falls back to the whole message when the text after the host name is empty.
            return body.IsEmpty ? frame.ToArray() : body.ToArray();
        }

        // Flume prepends the kept fields in the order they were sent: <PRI>version timestamp hostname body.
        // A nil (-) timestamp or host is kept as the "-" that was sent.
        var pri = frame[message.PriorityText];
        var version = frame[message.Version];
        var timestamp = message.TimestampText.Equals(default(Range)) ? "-"u8 : frame[message.TimestampText];
        var host = message.Host.Equals(default(Range)) ? "-"u8 : frame[message.Host];
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

    private static string Text(ReadOnlySpan<byte> ascii) =>
        ascii.Length <= 3 && ascii.Length > 0 && ascii[0] != '0' && TryNumber(ascii, out var n) ? Numbers[n] : Encoding.UTF8.GetString(ascii);

    private static bool TryNumber(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (d - '0');
        }

        return true;
    }
}
