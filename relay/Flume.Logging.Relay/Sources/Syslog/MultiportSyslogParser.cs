using static Flume.Logging.Relay.Sources.Syslog.SyslogBytes;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Reads one line the way Flume's <c>multiport_syslogtcp</c> source does. That source does not use the
/// <c>SyslogUtils</c> patterns of <c>syslogtcp</c> (<see cref="SyslogParser"/>) but its own positional parser
/// (<c>org.apache.flume.source.SyslogParser</c>): <c>&lt;PRI&gt;</c> (up to five characters, as
/// <c>Integer.parseInt</c> reads them), an optional <c>"1 "</c> version, then a timestamp chosen by its first
/// character (<c>-</c>: none, the current time; <c>A</c>-<c>Z</c>: the next 15 characters as RFC 3164; anything
/// else: the text up to the next space as RFC 5424), the host up to the next space, and the rest as the message.
/// A line that breaks any of these steps is not parsed at all. A pure function over the bytes: it never throws,
/// allocates nothing, and looks at each byte a bounded number of times.
/// </summary>
/// <remarks>
/// <para>Positions are counted in characters, as Java's string indexes are: for UTF-8 a multi-byte character is
/// one step (and a four-byte one two), so a non-ASCII character inside the RFC 3164 window moves the host as it
/// does in Flume.</para>
/// <para>Where Flume's parser fails with an exception it does not catch (a fraction with no time zone after it,
/// an RFC 5424 date its cached formatter rejects such as month 13), Flume loses the whole read of the connection;
/// here that line is simply not parsed (an <c>Invalid</c> event). A fraction is read to the millisecond however
/// long it is, where Flume's <c>Long.parseLong</c> overflows past 18 digits.</para>
/// <para>An RFC 3164 time has no year: Flume's code moves it a year back when it is over a month ahead of now,
/// and, contrary to its own comment ("more than eleven months in the past"), a year on when it is over one month
/// behind, which dates a message from two months ago in the next year. This keeps the window the comment
/// describes, as <c>syslogtcp</c> does: one month ahead, eleven months behind.</para>
/// </remarks>
internal static class MultiportSyslogParser
{
    /// <summary>Flume's <c>RFC3164_LEN</c>: the RFC 3164 timestamp is the next 15 characters.</summary>
    private const int Rfc3164Length = 15;

    /// <summary>Flume's <c>RFC5424_PREFIX_LEN</c>: <c>yyyy-MM-ddTHH:mm:ss</c>, read by Joda-Time as UTC.</summary>
    private const int Rfc5424PrefixLength = 19;

    /// <summary>Flume's <c>endBracketPos &lt;= 6</c>: at most five characters between the brackets.</summary>
    private const int MaxEndBracket = 6;

    /// <summary>Years Joda-Time's ISO chronology can hold (about ±292 million), rounded down to stay clear of overflow.</summary>
    private const long MaxYear = 290_000_000;

    private const long MillisPerDay = 86_400_000;

    private static readonly string[] ShortMonths = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly string[] LongMonths = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>
    /// Parses <paramref name="line"/>, text in the port's charset (<paramref name="utf8"/> says whether that is
    /// UTF-8; otherwise one byte is one character). <paramref name="now"/> is the timestamp of a nil (<c>-</c>)
    /// time and, with <paramref name="localZone"/>, gives an RFC 3164 time its year.
    /// </summary>
    public static MultiportSyslogMessage Parse(ReadOnlySpan<byte> line, bool utf8, DateTimeOffset now, TimeZoneInfo localZone)
    {
        ArgumentNullException.ThrowIfNull(localZone);
        if (line.IsEmpty || line[0] != '<')
        {
            return default;
        }

        var endBracket = line.IndexOf((byte)'>');
        if (endBracket is < 1 or > MaxEndBracket || !TryParseJavaInt(line[1..endBracket], out var priority) || line.Length <= endBracket + 1)
        {
            return default;
        }

        var at = endBracket + 1;
        Range version = default;

        // Only "1 " followed by more text is a version; a version of 2 is read as the start of a timestamp.
        if (line.Length > at + 2 && line[at] == '1' && line[at + 1] == ' ')
        {
            version = at..(at + 1);
            at += 2;
        }

        Range timestampText;
        long timestamp;
        var first = line[at];
        if (first == '-')
        {
            // No timestamp: the relay's time; Flume skips one character, assumed to be the space.
            timestampText = at..(at + 1);
            timestamp = now.ToUnixTimeMilliseconds();
            var skipped = Advance(line, at + 1, 1, utf8);
            if (skipped < 0 || skipped >= line.Length)
            {
                return default;
            }

            at = skipped;
        }
        else if (first is >= (byte)'A' and <= (byte)'Z')
        {
            // RFC 3164: exactly 15 characters, then one more skipped whatever it is.
            var windowEnd = Advance(line, at, Rfc3164Length, utf8);
            if (windowEnd < 0 || windowEnd >= line.Length)
            {
                return default;
            }

            timestampText = at..windowEnd;
            timestamp = Rfc3164Millis(line[timestampText], now, localZone);
            at = Advance(line, windowEnd, 1, utf8);
        }
        else
        {
            var space = line[at..].IndexOf((byte)' ');
            if (space < 0 || !TryRfc5424Millis(line.Slice(at, space), out timestamp))
            {
                return default;
            }

            timestampText = at..(at + space);
            at += space + 1;
        }

        var hostLength = line[at..].IndexOf((byte)' ');
        if (hostLength < 0)
        {
            return default;
        }

        return new MultiportSyslogMessage
        {
            Parsed = true,
            Priority = priority,
            PriorityText = 1..endBracket,
            Version = version,
            TimestampText = timestampText,
            TimestampMillis = timestamp,
            Host = at..(at + hostLength),
            BodyStart = at + hostLength + 1,
        };
    }

    /// <summary>
    /// Java's <c>Integer.parseInt</c> for at most five characters: an optional sign and at least one digit (only
    /// ASCII digits here; Java would also take other scripts' digits).
    /// </summary>
    private static bool TryParseJavaInt(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        var negative = !text.IsEmpty && text[0] == '-';
        var digits = !text.IsEmpty && text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        value = negative ? -value : value;
        return true;
    }

    /// <summary>
    /// The byte offset <paramref name="chars"/> characters (UTF-16 code units, as Java counts them) after
    /// <paramref name="start"/>, or -1 when the line ends first.
    /// </summary>
    private static int Advance(ReadOnlySpan<byte> line, int start, int chars, bool utf8)
    {
        var at = start;
        var counted = 0;
        while (counted < chars)
        {
            if (at >= line.Length)
            {
                return -1;
            }

            var (bytes, units) = utf8 ? Utf8Width(line[at]) : (1, 1);
            at = Math.Min(at + bytes, line.Length);
            counted += units;
        }

        return at;
    }

    /// <summary>Bytes and UTF-16 code units of the UTF-8 character starting with <paramref name="lead"/>.</summary>
    private static (int Bytes, int Units) Utf8Width(byte lead) => lead switch
    {
        >= 0xF0 and <= 0xF7 => (4, 2),
        >= 0xE0 and <= 0xEF => (3, 1),
        >= 0xC0 and <= 0xDF => (2, 1),
        _ => (1, 1),
    };

    /// <summary>
    /// Flume's <c>parseRfc3164Time</c>: the first double space made single, then <c>MMM d HH:mm:ss</c> in English
    /// and UTC (not the local zone <c>syslogtcp</c> uses), the whole text or nothing; 0 when it does not parse.
    /// </summary>
    private static long Rfc3164Millis(ReadOnlySpan<byte> window, DateTimeOffset now, TimeZoneInfo localZone)
    {
        if (window.Length != Rfc3164Length)
        {
            // A non-ASCII character in the window: no English month or digit, so Joda-Time would fail too.
            return 0;
        }

        Span<byte> text = stackalloc byte[Rfc3164Length];
        var length = window.Length;
        var doubleSpace = window.IndexOf("  "u8);
        if (doubleSpace >= 0)
        {
            window[..(doubleSpace + 1)].CopyTo(text);
            window[(doubleSpace + 2)..].CopyTo(text[(doubleSpace + 1)..]);
            length--;
        }
        else
        {
            window.CopyTo(text);
        }

        if (!TryReadRfc3164(text[..length], out var month, out var day, out var timeOfDay))
        {
            return 0;
        }

        // The year is the current one where the relay is; the time itself is read as UTC, as Flume does.
        var year = TimeZoneInfo.ConvertTime(now, localZone).Year;
        if (year is < 2 or > 9998)
        {
            return 0;
        }

        var nowUtc = now.UtcDateTime;
        var stamp = AtYear(year, month, day, timeOfDay);
        if (stamp > nowUtc && stamp.AddMonths(-1) > nowUtc)
        {
            stamp = AtYear(year - 1, month, day, timeOfDay);
        }
        else if (stamp < nowUtc && stamp.AddMonths(11) < nowUtc)
        {
            stamp = AtYear(year + 1, month, day, timeOfDay);
        }

        return (stamp.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The date in <paramref name="year"/>; 29 February becomes the 28th in a common year, as Joda's <c>withYear</c> does.</summary>
    private static DateTime AtYear(int year, int month, int day, TimeSpan timeOfDay) =>
        new DateTime(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)), 0, 0, 0, DateTimeKind.Utc).Add(timeOfDay);

    /// <summary>
    /// Joda-Time's parse of <c>MMM d HH:mm:ss</c>: an English month name (short or long, any case), a space, a
    /// day of 1-2 digits, a space, and hour, minute and second of 1-2 digits each, checked against the calendar of
    /// Joda's default year 2000 (so 29 February is accepted).
    /// </summary>
    private static bool TryReadRfc3164(ReadOnlySpan<byte> text, out int month, out int day, out TimeSpan timeOfDay)
    {
        day = 0;
        timeOfDay = default;
        var i = 0;
        while (i < text.Length && IsLetter(text[i]))
        {
            i++;
        }

        month = MonthNumber(text[..i]);
        if (month == 0 || !TryExpect(text, ref i, ' ') || !TryReadDigits(text, ref i, 1, 2, out day) || !TryExpect(text, ref i, ' ')
            || !TryReadClock(text, ref i, 1, out var hour, out var minute, out var second) || i != text.Length
            || day < 1 || day > DateTime.DaysInMonth(2000, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        timeOfDay = new TimeSpan(hour, minute, second);
        return true;
    }

    /// <summary>
    /// Flume's <c>parseRfc5424Date</c> over the text up to the next space: more than 19 characters, the first 19
    /// <c>yyyy-MM-ddTHH:mm:ss</c> as UTC, then an optional fraction (which must be followed by something), then
    /// <c>Z</c>, an offset <c>±hh:mm</c>, or any other character, which is ignored (UTC) along with the rest.
    /// </summary>
    private static bool TryRfc5424Millis(ReadOnlySpan<byte> token, out long millis)
    {
        millis = 0;
        if (token.Length <= Rfc5424PrefixLength || !TryReadRfc5424Prefix(token[..Rfc5424PrefixLength], out millis))
        {
            return false;
        }

        var i = Rfc5424PrefixLength;
        if (token[i] == '.')
        {
            i++;
            var start = i;
            var fraction = 0;
            while (i < token.Length && IsDigit(token[i]))
            {
                if (i - start < 3)
                {
                    fraction = (fraction * 10) + (token[i] - '0');
                }

                i++;
            }

            // No digits, or digits running to the end with no zone after them: Flume fails the line.
            var digits = i - start;
            if (digits == 0 || i == token.Length)
            {
                return false;
            }

            for (var scale = digits; scale < 3; scale++)
            {
                fraction *= 10;
            }

            millis += fraction;
        }

        var zone = token[i];
        if (zone is (byte)'+' or (byte)'-')
        {
            if (token.Length <= i + 5 || !IsDigit(token[i + 1]) || !IsDigit(token[i + 2]) || token[i + 3] != ':'
                || !IsDigit(token[i + 4]) || !IsDigit(token[i + 5]))
            {
                return false;
            }

            var minutes = ((((token[i + 1] - '0') * 10) + (token[i + 2] - '0')) * 60) + ((token[i + 4] - '0') * 10) + (token[i + 5] - '0');
            millis -= (zone == '+' ? minutes : -minutes) * 60_000L;
        }

        return true;
    }

    /// <summary>
    /// Joda-Time's strict parse of <c>yyyy-MM-dd'T'HH:mm:ss</c> over exactly 19 characters: a signed year of 1-9
    /// digits, then fields of 1-2 digits, <c>T</c> in either case, every field checked against the calendar.
    /// </summary>
    private static bool TryReadRfc5424Prefix(ReadOnlySpan<byte> prefix, out long millis)
    {
        millis = 0;
        var i = 0;
        var negative = prefix[0] == '-';
        if (prefix[0] is (byte)'-' or (byte)'+')
        {
            i++;
        }

        if (!TryReadDigits(prefix, ref i, 1, 9, out var year) || !TryExpect(prefix, ref i, '-') || !TryReadDigits(prefix, ref i, 1, 2, out var month)
            || !TryExpect(prefix, ref i, '-') || !TryReadDigits(prefix, ref i, 1, 2, out var day) || i >= prefix.Length || (prefix[i] | 0x20) != 't')
        {
            return false;
        }

        i++;
        var signedYear = negative ? -(long)year : year;
        if (!TryReadClock(prefix, ref i, 1, out var hour, out var minute, out var second) || i != prefix.Length
            || signedYear is < -MaxYear or > MaxYear || month is < 1 or > 12 || day < 1 || day > DaysInMonth(signedYear, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        millis = (DaysFromCivil(signedYear, month, day) * MillisPerDay) + (((hour * 3600L) + (minute * 60L) + second) * 1000L);
        return true;
    }

    /// <summary>Days from 1970-01-01 in the proleptic Gregorian calendar, for any year (H. Hinnant's days_from_civil).</summary>
    private static long DaysFromCivil(long year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = (((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5) + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }

    private static int DaysInMonth(long year, int month) => month switch
    {
        2 => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static int MonthNumber(ReadOnlySpan<byte> name)
    {
        for (var m = 0; m < ShortMonths.Length; m++)
        {
            if (EqualsIgnoreCase(name, ShortMonths[m]) || EqualsIgnoreCase(name, LongMonths[m]))
            {
                return m + 1;
            }
        }

        return 0;
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> text, string lower)
    {
        if (text.Length != lower.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] | 0x20) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLetter(byte b) => (b | 0x20) is >= (byte)'a' and <= (byte)'z';
}
