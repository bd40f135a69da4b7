using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Sources.Syslog;
using static Flume.Logging.Relay.Tests.Sources.Syslog.SyslogExamples;

namespace Flume.Logging.Relay.Tests.Sources.Syslog;

/// <summary>
/// Messages from RFC 3164 and RFC 5424 and from Debian's logger(1), turned into the headers and body Flume's
/// SyslogUtils gives them.
/// </summary>
public sealed class SyslogParserTests
{
    private static FlumeEvent Build(string message, SyslogFields keep = SyslogFields.None, bool incomplete = false, DateTimeOffset? now = null, TimeZoneInfo? zone = null) =>
        SyslogEventBuilder.Build(Encoding.UTF8.GetBytes(message), incomplete, keep, now ?? Now, zone ?? TimeZoneInfo.Utc, []);

    public static TheoryData<string, string, string> Messages() => new()
    {
        // RFC 5424 nil timestamp and host: neither header, the rest is the body.
        { "<13>1 - - app - - msg", "Facility=1, Severity=5, priority=13, version=1", "app - - msg" },

        // An offset without a fraction; a version digit is optional in Flume's pattern.
        { "<13>2003-10-11T22:14:15+02:00 h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("2003-10-11T20:14:15Z")}", "m" },

        // No <PRI>: Invalid, facility and severity 0, the message as sent.
        { "hello world", "Facility=0, Severity=0, flume.syslog.status=Invalid", "hello world" },
        { "<1234>too many digits", "Facility=0, Severity=0, flume.syslog.status=Invalid", "<1234>too many digits" },
        { "<>empty", "Facility=0, Severity=0, flume.syslog.status=Invalid", "<>empty" },
        { "<1a>letter", "Facility=0, Severity=0, flume.syslog.status=Invalid", "<1a>letter" },

        // A priority but no header Flume knows: only facility and severity, the message as sent.
        { "<13>", "Facility=1, Severity=5", "<13>" },
        { "<13>just text", "Facility=1, Severity=5", "<13>just text" },

        // Java's "." stops at \r, so a CRLF line matches no pattern and is kept whole.
        { "<13>Dec  5 05:35:10 vm app: x\r", "Facility=1, Severity=5", "<13>Dec  5 05:35:10 vm app: x\r" },

        // An empty message after the host: Flume falls back to the whole line.
        { "<13>Dec  5 05:35:10 vm ", $"Facility=1, Severity=5, host=vm, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", "<13>Dec  5 05:35:10 vm " },

        // A month Flume's date format does not know: host and body still parsed, no timestamp.
        { "<13>Foo  5 05:35:10 vm app: x", "Facility=1, Severity=5, host=vm, priority=13", "app: x" },

        // A priority with a leading zero is kept as sent in the priority header.
        { "<013>Dec  5 05:35:10 vm app: x", $"Facility=1, Severity=5, host=vm, priority=013, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x" },
    };

    [Theory]
    [MemberData(nameof(SyslogExamples.ParsedAlike), MemberType = typeof(SyslogExamples))]
    [MemberData(nameof(Messages))]
    public void A_message_gets_Flumes_headers_and_body(string message, string headers, string body)
    {
        var e = Build(message);

        Assert.Equal(headers, Headers(e));
        Assert.Equal(body, Body(e));
    }

    [Theory]
    [InlineData("2027-01-01T00:10:00Z", "Dec 31 23:59:00", "2026-12-31T23:59:00Z")]
    [InlineData("2026-12-31T23:59:00Z", "Jan  1 00:01:00", "2027-01-01T00:01:00Z")]
    [InlineData("2026-06-15T12:00:00Z", "Jul 10 12:00:00", "2026-07-10T12:00:00Z")]
    [InlineData("2026-06-15T12:00:00Z", "Aug 10 12:00:00", "2025-08-10T12:00:00Z")]
    public void An_RFC_3164_time_takes_the_year_that_puts_it_within_a_month_ahead_or_eleven_months_behind(string now, string stamp, string expected)
    {
        var e = Build($"<13>{stamp} host msg", now: DateTimeOffset.Parse(now, CultureInfo.InvariantCulture));

        Assert.Equal(Millis(expected), e.Headers["timestamp"]);
    }

    [Fact]
    public void An_RFC_3164_time_is_read_in_the_local_time_zone()
    {
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");

        var e = Build("<13>Dec  5 05:35:10 vm app: x", zone: plusTwo);

        Assert.Equal(Millis("2026-12-05T03:35:10Z"), e.Headers["timestamp"]);
    }

    [Theory]
    [InlineData((int)(SyslogFields.All), "<156>1 2026-12-05T05:35:10.574930+00:00 vm myapp - - hi")]
    [InlineData((int)(SyslogFields.Hostname), "vm myapp - - hi")]
    [InlineData((int)(SyslogFields.Priority | SyslogFields.Version), "<156>1 myapp - - hi")]
    [InlineData((int)(SyslogFields.Priority | SyslogFields.Version | SyslogFields.Timestamp | SyslogFields.Hostname), "<156>1 2026-12-05T05:35:10.574930+00:00 vm myapp - - hi")]
    public void KeepFields_puts_the_chosen_fields_back_in_front_of_the_body_in_both_parsers(int keep, string body)
    {
        const string Line = "<156>1 2026-12-05T05:35:10.574930+00:00 vm myapp - - hi";
        var syslogTcp = Build(Line, (SyslogFields)keep);
        var multiport = MultiportSyslogEventBuilder.Build(Encoding.UTF8.GetBytes(Line), incomplete: false, (SyslogFields)keep, utf8: true, Now, TimeZoneInfo.Utc, []);

        Assert.Equal(body, Body(syslogTcp));
        Assert.Equal(body, Body(multiport));
        Assert.Equal("vm", syslogTcp.Headers["host"]);
        Assert.Equal("vm", multiport.Headers["host"]);
    }

    [Fact]
    public void KeepFields_timestamp_keeps_an_RFC_3164_time_as_sent()
    {
        Assert.Equal("Dec  5 05:35:10 app: x", Body(Build("<13>Dec  5 05:35:10 vm app: x", SyslogFields.Timestamp)));
    }

    [Fact]
    public void A_cut_message_is_parsed_and_flagged_Incomplete()
    {
        var e = Build("<13>Dec  5 05:35:10 vm app: x", incomplete: true);

        Assert.Equal("Incomplete", e.Headers[SyslogEventBuilder.StatusHeader]);
        Assert.Equal("vm", e.Headers["host"]);
    }

    [Fact]
    public void A_cut_message_without_priority_is_Invalid_rather_than_Incomplete()
    {
        Assert.Equal("Invalid", Build("tail of a long line", incomplete: true).Headers[SyslogEventBuilder.StatusHeader]);
    }

    [Theory]
    [InlineData("none", (int)(SyslogFields.None))]
    [InlineData("false", (int)(SyslogFields.None))]
    [InlineData("all", (int)(SyslogFields.All))]
    [InlineData("TRUE", (int)(SyslogFields.All))]
    [InlineData("timestamp hostname", (int)(SyslogFields.Timestamp | SyslogFields.Hostname))]
    [InlineData(" priority  version ", (int)(SyslogFields.Priority | SyslogFields.Version))]
    public void KeepFields_values_read_as_Flume_reads_them(string value, int expected)
    {
        Assert.Equal((SyslogFields)expected, SyslogFieldsParser.Parse(value, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void A_keepFields_word_that_is_no_field_is_refused_by_name()
    {
        Assert.Null(SyslogFieldsParser.Parse("hostname hots", out var error));
        Assert.Contains("'hots'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_header_named_like_a_syslog_header_replaces_it_as_in_Flume()
    {
        var e = SyslogEventBuilder.Build("<13>Dec  5 05:35:10 vm app: x"u8, incomplete: false, SyslogFields.None, Now, TimeZoneInfo.Utc, [new("host", "127.0.0.1"), new("port", "514")]);

        Assert.Equal("Facility=1, Severity=5, host=127.0.0.1, port=514, priority=13, timestamp=" + Millis("2026-12-05T05:35:10Z"), Headers(e));
    }
}
