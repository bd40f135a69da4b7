using static Flume.Logging.Relay.Sources.Syslog.SyslogBytes;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Reads one syslog frame (a line without its newline, or an octet-counted message) the way Flume's
/// <c>SyslogUtils</c> does: a <c>&lt;PRI&gt;</c> of 1-3 digits, then Flume's RFC 5424 pattern, else its RFC 3164
/// pattern (<c>priority version? timestamp host body</c>). A pure function over the bytes: it never throws,
/// allocates nothing, and looks at each byte a bounded number of times.
/// </summary>
/// <remarks>
/// Flume matches regular expressions over the decoded text; this walks the same grammar over the bytes, trying the
/// alternatives in the order the expressions' backtracking would. Where Flume's <c>SimpleDateFormat</c> parse of an
/// RFC 5424 timestamp with a fraction ignores its UTC offset and reads ".5" as 5 ms, this reads the offset and the
/// fraction as RFC 5424 means them (as Flume's multiport parser does); both agree for the usual 3-6 digit fractions
/// on a host whose time zone is UTC.
/// </remarks>
internal static class SyslogParser
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>
    /// Parses <paramref name="frame"/>. <paramref name="now"/> and <paramref name="localZone"/> give an RFC 3164
    /// timestamp its year and zone, and an RFC 5424 timestamp without an offset its zone, as Flume's JVM defaults do.
    /// </summary>
    public static SyslogMessage Parse(ReadOnlySpan<byte> frame, DateTimeOffset now, TimeZoneInfo localZone)
    {
        ArgumentNullException.ThrowIfNull(localZone);
        if (!TryReadPriority(frame, out var priority, out var afterPriority))
        {
            return default;
        }

        var message = new SyslogMessage { HasPriority = true, Priority = priority, PriorityText = 1..(afterPriority - 1) };
        foreach (var rfc5424 in (ReadOnlySpan<bool>)[true, false])
        {
            // Flume's "(\d?)\s?" before the timestamp: a version digit and a space are each optional, and the
            // expression prefers taking them.
            var hasDigit = afterPriority < frame.Length && IsDigit(frame[afterPriority]);
            for (var attempt = 0; attempt < 4; attempt++)
            {
                var versionLength = attempt < 2 && hasDigit ? 1 : 0;
                if (attempt < 2 && !hasDigit)
                {
                    continue;
                }

                var start = afterPriority + versionLength;
                var takeSpace = attempt % 2 == 0;
                if (takeSpace)
                {
                    if (start >= frame.Length || !IsSpace(frame[start]))
                    {
                        continue;
                    }

                    start++;
                }

                var version = afterPriority..(afterPriority + versionLength);
                var matched = rfc5424
                    ? TryMatchRfc5424(frame, start, localZone, message with { Version = version }, out var result)
                    : TryMatchRfc3164(frame, start, now, localZone, message with { Version = version }, out result);
                if (matched)
                {
                    return result;
                }
            }
        }

        return message;
    }

    private static bool TryReadPriority(ReadOnlySpan<byte> frame, out int priority, out int afterPriority)
    {
        priority = 0;
        afterPriority = 0;
        if (frame.IsEmpty || frame[0] != '<')
        {
            return false;
        }

        var i = 1;
        while (i < frame.Length && i <= 4 && IsDigit(frame[i]))
        {
            priority = (priority * 10) + (frame[i] - '0');
            i++;
        }

        var digits = i - 1;
        if (digits is 0 or > 3 || i >= frame.Length || frame[i] != '>')
        {
            priority = 0;
            return false;
        }

        afterPriority = i + 1;
        return true;
    }

    /// <summary>Flume's RFC 5424 pattern from the timestamp on: <c>(stamp|-) \s (host|-) \s (.*)</c>.</summary>
    private static bool TryMatchRfc5424(ReadOnlySpan<byte> frame, int start, TimeZoneInfo localZone, SyslogMessage message, out SyslogMessage result)
    {
        result = message;
        var i = start;
        Range timestamp = default;
        long? millis = null;
        if (i < frame.Length && frame[i] == '-')
        {
            i++;
        }
        else if (TryReadRfc5424Timestamp(frame, i, localZone, out var end, out millis))
        {
            timestamp = i..end;
            i = end;
        }
        else
        {
            return false;
        }

        if (!TrySkipSpace(frame, ref i))
        {
            return false;
        }

        Range host = default;
        if (i < frame.Length && IsWord(frame[i]))
        {
            var hostStart = i;
            i = SkipHostChars(frame, i);
            host = hostStart..i;
        }
        else if (i < frame.Length && frame[i] == '-')
        {
            i++;
        }
        else
        {
            return false;
        }

        if (!TrySkipSpace(frame, ref i) || ContainsLineTerminator(frame[i..]))
        {
            return false;
        }

        result = message with { HeaderMatched = true, TimestampText = timestamp, TimestampMillis = millis, Host = host, Body = i..frame.Length };
        return true;
    }

    /// <summary>Flume's RFC 3164 pattern from the timestamp on: <c>Mmm\s{1,2}d{1,2}\sHH:mm:ss \s host \s (.*)</c>.</summary>
    private static bool TryMatchRfc3164(ReadOnlySpan<byte> frame, int start, DateTimeOffset now, TimeZoneInfo localZone, SyslogMessage message, out SyslogMessage result)
    {
        result = message;
        var i = start;
        if (i + 3 > frame.Length || !IsUpper(frame[i]) || !IsLower(frame[i + 1]) || !IsLower(frame[i + 2]))
        {
            return false;
        }

        var month = MonthNumber(frame.Slice(i, 3));
        i += 3;
        var spaces = 0;
        while (spaces < 2 && i < frame.Length && IsSpace(frame[i]))
        {
            spaces++;
            i++;
        }

        if (spaces == 0 || !TryReadDigits(frame, ref i, 1, 2, out var day) || !TrySkipSpace(frame, ref i)
            || !TryReadClock(frame, ref i, 2, out var hour, out var minute, out var second))
        {
            return false;
        }

        var timestamp = start..i;
        if (!TrySkipSpace(frame, ref i) || i >= frame.Length || !IsWord(frame[i]))
        {
            return false;
        }

        var hostStart = i;
        i = SkipHostChars(frame, i);
        var host = hostStart..i;
        if (!TrySkipSpace(frame, ref i) || ContainsLineTerminator(frame[i..]))
        {
            return false;
        }

        var millis = month == 0 ? null : Rfc3164Millis(month, day, hour, minute, second, now, localZone);
        result = message with { HeaderMatched = true, TimestampText = timestamp, TimestampMillis = millis, Host = host, Body = i..frame.Length };
        return true;
    }

    private static bool TryReadRfc5424Timestamp(ReadOnlySpan<byte> frame, int start, TimeZoneInfo localZone, out int end, out long? millis)
    {
        end = start;
        millis = null;
        var i = start;
        if (!TryReadDigits(frame, ref i, 4, 4, out var year) || !TryExpect(frame, ref i, '-')
            || !TryReadDigits(frame, ref i, 2, 2, out var month) || !TryExpect(frame, ref i, '-')
            || !TryReadDigits(frame, ref i, 2, 2, out var day) || !TryExpect(frame, ref i, 'T')
            || !TryReadClock(frame, ref i, 2, out var hour, out var minute, out var second))
        {
            return false;
        }

        var fractionTicks = 0L;
        if (i + 1 < frame.Length && frame[i] == '.' && IsDigit(frame[i + 1]))
        {
            i++;
            var scale = TimeSpan.TicksPerSecond;
            var digits = 0;
            while (digits < 6 && i < frame.Length && IsDigit(frame[i]))
            {
                scale /= 10;
                fractionTicks += (frame[i] - '0') * scale;
                digits++;
                i++;
            }
        }

        TimeSpan? offset = null;
        if (i < frame.Length && frame[i] == 'Z')
        {
            offset = TimeSpan.Zero;
            i++;
        }
        else if (i + 6 <= frame.Length && frame[i] is (byte)'+' or (byte)'-' && IsDigit(frame[i + 1]) && IsDigit(frame[i + 2])
                 && frame[i + 3] == ':' && IsDigit(frame[i + 4]) && IsDigit(frame[i + 5]))
        {
            var minutes = ((((frame[i + 1] - '0') * 10) + (frame[i + 2] - '0')) * 60) + ((frame[i + 4] - '0') * 10) + (frame[i + 5] - '0');
            offset = TimeSpan.FromMinutes(frame[i] == '-' ? -minutes : minutes);
            i += 6;
        }

        end = i;
        millis = ToEpochMillis(year, month, day, hour, minute, second, fractionTicks, offset, localZone);
        return true;
    }

    /// <summary>
    /// An RFC 3164 time in the current year, moved a year back when that puts it over a month ahead of
    /// <paramref name="now"/>, or a year on when it is over eleven months behind: Flume's rolling 12-month window.
    /// </summary>
    private static long? Rfc3164Millis(int month, int day, int hour, int minute, int second, DateTimeOffset now, TimeZoneInfo localZone)
    {
        var year = now.UtcDateTime.Year;
        if (!TryLocal(year, month, day, hour, minute, second, 0, out var local))
        {
            return null;
        }

        var nowMillis = now.ToUnixTimeMilliseconds();
        var parsed = LocalToMillis(local, null, localZone);
        if (parsed > nowMillis && LocalToMillis(local.AddMonths(-1), null, localZone) > nowMillis)
        {
            return LocalToMillis(local.AddYears(-1), null, localZone);
        }

        if (parsed < nowMillis && LocalToMillis(local.AddMonths(11), null, localZone) < nowMillis)
        {
            return LocalToMillis(local.AddYears(1), null, localZone);
        }

        return parsed;
    }

    private static long? ToEpochMillis(int year, int month, int day, int hour, int minute, int second, long fractionTicks, TimeSpan? offset, TimeZoneInfo localZone) =>
        TryLocal(year, month, day, hour, minute, second, fractionTicks, out var local) ? LocalToMillis(local, offset, localZone) : null;

    /// <summary>
    /// Builds the date leniently, as Java's default <c>SimpleDateFormat</c> does: day 0 is the last day of the
    /// month before, hour 24 the next day. Years at the edge of the calendar are refused rather than overflowing.
    /// </summary>
    private static bool TryLocal(int year, int month, int day, int hour, int minute, int second, long fractionTicks, out DateTime local)
    {
        if (year is < 2 or > 9997)
        {
            local = default;
            return false;
        }

        local = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)
            .AddMonths(month - 1)
            .AddDays(day - 1)
            .AddTicks((hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond) + fractionTicks);
        return true;
    }

    private static long LocalToMillis(DateTime local, TimeSpan? offset, TimeZoneInfo localZone)
    {
        // GetUtcOffset never throws, even for a local time that falls in a daylight-saving gap.
        var utcOffset = offset ?? localZone.GetUtcOffset(local);
        return (local.Ticks - utcOffset.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    private static int MonthNumber(ReadOnlySpan<byte> name)
    {
        for (var m = 0; m < Months.Length; m++)
        {
            var candidate = Months[m];
            if (name[0] == candidate[0] && name[1] == candidate[1] && name[2] == candidate[2])
            {
                return m + 1;
            }
        }

        return 0;
    }

    private static bool TrySkipSpace(ReadOnlySpan<byte> frame, ref int i)
    {
        if (i < frame.Length && IsSpace(frame[i]))
        {
            i++;
            return true;
        }

        return false;
    }

    private static int SkipHostChars(ReadOnlySpan<byte> frame, int i)
    {
        while (i < frame.Length && (IsWord(frame[i]) || frame[i] is (byte)'.' or (byte)'@' or (byte)'-'))
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// Java's "." stops at \n, \r, U+0085, U+2028 and U+2029, so Flume's "(.*)$" body fails on any of them (a CRLF
    /// line, say) and the whole frame becomes the body.
    /// </summary>
    private static bool ContainsLineTerminator(ReadOnlySpan<byte> body)
    {
        if (body.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            return true;
        }

        return body.IndexOf("\u0085"u8) >= 0 || body.IndexOf("\u2028"u8) >= 0 || body.IndexOf("\u2029"u8) >= 0;
    }

    private static bool IsUpper(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    private static bool IsLower(byte b) => b is >= (byte)'a' and <= (byte)'z';

    /// <summary>Java's \w without UNICODE_CHARACTER_CLASS: ASCII letters, digits and underscore.</summary>
    private static bool IsWord(byte b) => IsDigit(b) || IsUpper(b) || IsLower(b) || b == '_';

    /// <summary>Java's \s: space, \t, \n, \x0B, \f, \r.</summary>
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or 0x0B or (byte)'\f' or (byte)'\r';
}
