using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// A path template of the HDFS sink (<c>hdfs.path</c>, <c>hdfs.filePrefix</c>) with Flume's escapes, parsed once
/// and then formatted per event into a caller's <see cref="StringBuilder"/>. Behaves as Flume's <c>BucketPath</c>:
/// <list type="bullet">
/// <item><c>%{name}</c> (name of letters, digits, <c>_ . -</c>) is the header's value, empty when absent.</item>
/// <item><c>%[localhost]</c>, <c>%[IP]</c>, <c>%[FQDN]</c> (any case) are the agent host's names.</item>
/// <item><c>%x</c> for a letter, digit, <c>_</c> or <c>%</c> is a time field (<c>%%</c> a percent sign, an unknown
/// <c>x</c> nothing). Every one of them, <c>%%</c> included, needs the event's time, as in Flume.</item>
/// <item>Any other <c>%</c> is kept as written.</item>
/// </list>
/// Day and month names are English, as Flume prints them on an English-locale JVM.
/// </summary>
internal sealed class BucketPath
{
    private static readonly string[] ShortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] ShortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] LongMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private readonly Part[] _parts;
    private readonly BucketPathOptions _options;
    private readonly TimeProvider _clock;

    private BucketPath(string template, Part[] parts, BucketPathOptions options, TimeProvider clock)
    {
        Template = template;
        _parts = parts;
        _options = options;
        _clock = clock;
        NeedsTime = Array.Exists(parts, p => p.Kind == PartKind.Time);
    }

    private enum PartKind
    {
        Literal,
        Header,
        Time,
    }

    /// <summary>The template as written.</summary>
    public string Template { get; }

    /// <summary>Whether formatting needs a time (some <c>%x</c> escape), so a <c>timestamp</c> header unless local time is used.</summary>
    public bool NeedsTime { get; }

    /// <summary>Parses <paramref name="template"/>; <c>%[...]</c> escapes are resolved here, once.</summary>
    /// <exception cref="FormatException">A <c>%[...]</c> escape other than localhost, IP or FQDN.</exception>
    public static BucketPath Parse(string template, BucketPathOptions options, HostNames hosts, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(clock);

        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c != '%' || i + 1 >= template.Length)
            {
                literal.Append(c);
                i++;
                continue;
            }

            var next = template[i + 1];
            if (IsWordChar(next) || next == '%')
            {
                Flush(parts, literal);
                parts.Add(new Part(PartKind.Time, "", next));
                i += 2;
            }
            else if (next == '{' && TryReadName(template, i + 2, '}', allowDotDash: true, out var header, out var end))
            {
                Flush(parts, literal);
                parts.Add(new Part(PartKind.Header, header, '\0'));
                i = end + 1;
            }
            else if (next == '[' && TryReadName(template, i + 2, ']', allowDotDash: false, out var key, out end))
            {
                literal.Append(HostName(hosts, key, template));
                i = end + 1;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        Flush(parts, literal);
        return new BucketPath(template, [.. parts], options, clock);
    }

    /// <summary>The template formatted for <paramref name="flumeEvent"/>.</summary>
    /// <exception cref="BucketTimestampException">The template needs a time the event does not carry.</exception>
    public string Format(FlumeEvent flumeEvent)
    {
        var builder = new StringBuilder(Template.Length + 32);
        AppendTo(builder, flumeEvent);
        return builder.ToString();
    }

    /// <summary>Appends the template formatted for <paramref name="flumeEvent"/> to <paramref name="builder"/>.</summary>
    /// <exception cref="BucketTimestampException">The template needs a time the event does not carry.</exception>
    public void AppendTo(StringBuilder builder, FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(flumeEvent);

        var headers = flumeEvent.Headers;
        var time = NeedsTime ? ReadTime(headers) : default;
        foreach (var part in _parts)
        {
            switch (part.Kind)
            {
                case PartKind.Literal:
                    builder.Append(part.Text);
                    break;
                case PartKind.Header:
                    if (headers.TryGetValue(part.Text, out var value))
                    {
                        builder.Append(value);
                    }

                    break;
                default:
                    AppendTime(builder, part.Escape, time);
                    break;
            }
        }
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool TryReadName(string template, int start, char close, bool allowDotDash, out string name, out int end)
    {
        end = start;
        while (end < template.Length && (IsWordChar(template[end]) || (allowDotDash && template[end] is '.' or '-')))
        {
            end++;
        }

        var found = end > start && end < template.Length && template[end] == close;
        name = found ? template[start..end] : "";
        return found;
    }

    private static string HostName(HostNames hosts, string key, string template) => key.ToUpperInvariant() switch
    {
        "LOCALHOST" => hosts.LocalHost,
        "IP" => hosts.Ip,
        "FQDN" => hosts.Fqdn,
        _ => throw new FormatException($"'%[{key}]' in '{template}' is not one of %[localhost], %[IP], %[FQDN]"),
    };

    private static void Flush(List<Part> parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add(new Part(PartKind.Literal, literal.ToString(), '\0'));
            literal.Clear();
        }
    }

    private EventTime ReadTime(IDictionary<string, string> headers)
    {
        long millis;
        string? written = null;
        if (_options.UseLocalTimeStamp)
        {
            millis = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        }
        else if (!headers.TryGetValue("timestamp", out var header))
        {
            throw new BucketTimestampException(
                $"The event has no 'timestamp' header, which '{Template}' needs for its time escapes; add one (e.g. with the timestamp interceptor) or set hdfs.useLocalTimeStamp = true.");
        }
        else if (!long.TryParse(header, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out millis))
        {
            throw new BucketTimestampException(
                $"The event's 'timestamp' header '{header}' is not a number of milliseconds since 1970, which '{Template}' needs for its time escapes.");
        }
        else
        {
            written = header;
        }

        var zone = _options.TimeZone ?? TimeZoneInfo.Local;
        var rounded = _options.Round ? RoundDown(millis, zone) : millis;
        var utc = DateTime.UnixEpoch.AddMilliseconds(rounded);
        return new EventTime(millis, written, rounded, TimeZoneInfo.ConvertTimeFromUtc(utc, zone), zone.GetUtcOffset(utc));
    }

    /// <summary>Down to a multiple of the round value on the zone's clock face, as Flume's Calendar arithmetic does.</summary>
    private long RoundDown(long millis, TimeZoneInfo zone)
    {
        var utc = DateTime.UnixEpoch.AddMilliseconds(millis);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        var n = _options.RoundValue;
        var subSecond = local.Millisecond;
        var excess = _options.RoundUnit switch
        {
            RoundUnit.Second => ((local.Second % n) * 1000L) + subSecond,
            RoundUnit.Minute => ((local.Minute % n) * 60_000L) + (local.Second * 1000L) + subSecond,
            _ => ((local.Hour % n) * 3_600_000L) + (local.Minute * 60_000L) + (local.Second * 1000L) + subSecond,
        };
        return millis - excess;
    }

    private static void AppendTime(StringBuilder builder, char escape, in EventTime time)
    {
        var local = time.Local;

        // Ints carry a format ("D" at least): measured, the interpolation handler boxed them without one, and boxed
        // longs even with one, so longs are appended directly (plain digits: the process runs with invariant globalization).
        var invariant = CultureInfo.InvariantCulture;
        switch (escape)
        {
            case '%': builder.Append('%'); break;
            case 'a': builder.Append(ShortDays[(int)local.DayOfWeek]); break;
            case 'A': builder.Append(LongDays[(int)local.DayOfWeek]); break;
            case 'b': builder.Append(ShortMonths[local.Month - 1]); break;
            case 'B': builder.Append(LongMonths[local.Month - 1]); break;
            case 'c':
                builder.Append(ShortDays[(int)local.DayOfWeek]).Append(' ').Append(ShortMonths[local.Month - 1]).Append(' ');
                builder.Append(invariant, $"{local.Day:D} {local.Hour:D2}:{local.Minute:D2}:{local.Second:D2} {local.Year:D4}");
                break;
            case 'd': builder.Append(invariant, $"{local.Day:D2}"); break;
            case 'e': builder.Append(invariant, $"{local.Day:D}"); break;
            case 'D': builder.Append(invariant, $"{local.Month:D2}/{local.Day:D2}/{local.Year % 100:D2}"); break;
            case 'H': builder.Append(invariant, $"{local.Hour:D2}"); break;
            case 'I': builder.Append(invariant, $"{Hour12(local):D2}"); break;
            case 'j': builder.Append(invariant, $"{local.DayOfYear:D3}"); break;
            case 'k': builder.Append(invariant, $"{local.Hour:D}"); break;
            case 'l': builder.Append(invariant, $"{Hour12(local):D}"); break;
            case 'm': builder.Append(invariant, $"{local.Month:D2}"); break;
            case 'n': builder.Append(invariant, $"{local.Month:D}"); break;
            case 'M': builder.Append(invariant, $"{local.Minute:D2}"); break;
            case 'p': builder.Append(local.Hour < 12 ? "AM" : "PM"); break;
            case 's': builder.Append(time.RoundedMillis / 1000); break;
            case 'S': builder.Append(invariant, $"{local.Second:D2}"); break;
            case 't':
                // Flume writes the header as the event carries it, and the clock's time unrounded.
                if (time.Written is { } written)
                {
                    builder.Append(written);
                }
                else
                {
                    builder.Append(time.Millis);
                }

                break;
            case 'y': builder.Append(invariant, $"{local.Year % 100:D2}"); break;
            case 'Y': builder.Append(invariant, $"{local.Year:D4}"); break;
            case 'z':
                var offset = time.Offset;
                builder.Append(offset < TimeSpan.Zero ? '-' : '+');
                offset = offset.Duration();
                builder.Append(invariant, $"{offset.Hours:D2}{offset.Minutes:D2}");
                break;
            default:
                // Flume writes nothing for escapes it does not know.
                break;
        }
    }

    private static int Hour12(DateTime local) => local.Hour % 12 == 0 ? 12 : local.Hour % 12;

    private readonly record struct Part(PartKind Kind, string Text, char Escape);

    /// <summary>
    /// The event's time: as given and as its header wrote it (for <c>%t</c>), rounded, and rounded on the zone's
    /// clock face with the zone's offset then.
    /// </summary>
    private readonly record struct EventTime(long Millis, string? Written, long RoundedMillis, DateTime Local, TimeSpan Offset);
}
