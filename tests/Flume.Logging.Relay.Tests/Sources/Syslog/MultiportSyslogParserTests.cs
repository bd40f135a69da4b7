using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Sources.Syslog;
using static Flume.Logging.Relay.Tests.Sources.Syslog.SyslogExamples;

namespace Flume.Logging.Relay.Tests.Sources.Syslog;

/// <summary>
/// Messages from RFC 3164 and RFC 5424, from Flume's own TestSyslogParser and from Debian's logger(1), turned into
/// the headers and body Flume's multiport source gives them with its own parser (org.apache.flume.source.SyslogParser),
/// and the same lines through syslogtcp's SyslogUtils patterns where the two differ.
/// </summary>
public sealed class MultiportSyslogParserTests
{
    private static readonly TimeZoneInfo PlusTwo = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");

    private static FlumeEvent Build(
        string message, SyslogFields keep = SyslogFields.None, bool incomplete = false, DateTimeOffset? now = null, TimeZoneInfo? zone = null, bool utf8 = true) =>
        MultiportSyslogEventBuilder.Build(Encoding.UTF8.GetBytes(message), incomplete, keep, utf8, now ?? Now, zone ?? TimeZoneInfo.Utc, []);

    private static FlumeEvent BuildSyslogTcp(string message, TimeZoneInfo? zone = null) =>
        SyslogEventBuilder.Build(Encoding.UTF8.GetBytes(message), incomplete: false, SyslogFields.None, Now, zone ?? TimeZoneInfo.Utc, []);

    private static string NowMillis => Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static TheoryData<string, string, string> Messages() => new()
    {
        // RFC 3164 section 5.4: examples 2-4 (example 1, RFC 5424's and logger's are in SyslogExamples).
        {
            "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
            $"Facility=1, Severity=5, host=10.0.0.99, priority=13, timestamp={Millis("2026-02-05T17:32:18Z")}",
            "Use the BFG!"
        },
        {
            "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK #",
            $"Facility=20, Severity=5, host=CST, priority=165, timestamp={Millis("2026-08-24T05:34:00Z")}",
            "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK #"
        },
        {
            "<0>Oct 22 10:52:12 scapegoat 1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
            $"Facility=0, Severity=0, host=scapegoat, priority=0, timestamp={Millis("2026-10-22T10:52:12Z")}",
            "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!"
        },

        // Flume's TestSyslogParser: RFC 3339 dates without a version digit; TestMultiportSyslogTCPSource's nil line.
        { "<13>2003-08-24T05:14:15Z localhost snarf?", $"Facility=1, Severity=5, host=localhost, priority=13, timestamp={Millis("2003-08-24T05:14:15Z")}", "snarf?" },
        { "<13>2012-08-16T14:34:03-08:00 127.0.0.1 test shnap!", $"Facility=1, Severity=5, host=127.0.0.1, priority=13, timestamp={Millis("2012-08-16T22:34:03Z")}", "test shnap!" },
        { "<1>- - blah blam foo", $"Facility=0, Severity=1, host=-, priority=1, timestamp={NowMillis}", "blah blam foo" },

        // RFC 5424 nil timestamp and host: the relay's time, and "-" as the host.
        { "<13>1 - - app - - msg", $"Facility=1, Severity=5, host=-, priority=13, timestamp={NowMillis}, version=1", "app - - msg" },

        // Fractions of one or two digits are tenths and hundredths; one longer than three is cut.
        { "<13>1985-04-12T23:20:50.52Z h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("1985-04-12T23:20:50.520Z")}", "m" },
        { "<13>1985-04-12T23:20:50.5Z h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("1985-04-12T23:20:50.500Z")}", "m" },
        { "<13>2012-04-13T08:08:08.0001+00:00 h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("2012-04-13T08:08:08Z")}", "m" },

        // After the 19 characters and fraction only Z or an offset is read; any other character means UTC.
        { "<13>2003-10-11T22:14:15X h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("2003-10-11T22:14:15Z")}", "m" },
        { "<13>2003-10-11t22:14:15.1+01:30junk h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("2003-10-11T20:44:15.1Z")}", "m" },

        // The priority is whatever Integer.parseInt makes of up to five characters, sign and leading zeros included.
        { "<1234>Dec  5 05:35:10 vm app: x", $"Facility=154, Severity=2, host=vm, priority=1234, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x" },
        { "<013>Dec  5 05:35:10 vm app: x", $"Facility=1, Severity=5, host=vm, priority=013, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x" },
        { "<-13>Dec  5 05:35:10 vm app: x", $"Facility=-1, Severity=-5, host=vm, priority=-13, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x" },

        // An RFC 3164 time Joda-Time cannot read is 0, and the host still starts 16 characters on: with a one-space
        // day that is one character into the host name.
        { "<13>Foo  5 05:35:10 vm app: x", "Facility=1, Severity=5, host=vm, priority=13, timestamp=0", "app: x" },
        { "<13>Feb 5 17:32:18 myhost msg", "Facility=1, Severity=5, host=yhost, priority=13, timestamp=0", "msg" },
        { "<13>Feb 30 17:32:18 myhost msg", "Facility=1, Severity=5, host=myhost, priority=13, timestamp=0", "msg" },

        // A CR before the newline stays at the end of the body; two spaces after the time make an empty host.
        { "<13>Dec  5 05:35:10 vm app: x\r", $"Facility=1, Severity=5, host=vm, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x\r" },
        { "<13>Dec  5 05:35:10  app: x", $"Facility=1, Severity=5, host=, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x" },

        // Nothing after the host: the line as sent.
        { "<13>Dec  5 05:35:10 vm ", $"Facility=1, Severity=5, host=vm, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", "<13>Dec  5 05:35:10 vm " },

        // Lines the parser gives up on: only the Invalid status (no Facility or Severity), the line as sent.
        { "hello world", "flume.syslog.status=Invalid", "hello world" },
        { "<>empty", "flume.syslog.status=Invalid", "<>empty" },
        { "<1a>letter", "flume.syslog.status=Invalid", "<1a>letter" },
        { "<123456>six digits", "flume.syslog.status=Invalid", "<123456>six digits" },
        { "<13>", "flume.syslog.status=Invalid", "<13>" },
        { "<13>-", "flume.syslog.status=Invalid", "<13>-" },
        { "<13>just text", "flume.syslog.status=Invalid", "<13>just text" },
        { "<13>Oct 11 22:14:15 nobody", "flume.syslog.status=Invalid", "<13>Oct 11 22:14:15 nobody" },
        { "<13>Oct 11 22:14:15", "flume.syslog.status=Invalid", "<13>Oct 11 22:14:15" },
        { "<13>2 2003-10-11T22:14:15Z h m", "flume.syslog.status=Invalid", "<13>2 2003-10-11T22:14:15Z h m" },
        { "<13>2003-10-11T22:14:15 h m", "flume.syslog.status=Invalid", "<13>2003-10-11T22:14:15 h m" },
        { "<13>2003-10-11T22:14:15.003 h m", "flume.syslog.status=Invalid", "<13>2003-10-11T22:14:15.003 h m" },
        { "<13>2003-10-11T22:14:15.Z h m", "flume.syslog.status=Invalid", "<13>2003-10-11T22:14:15.Z h m" },
        { "<13>2003-13-11T22:14:15Z h m", "flume.syslog.status=Invalid", "<13>2003-13-11T22:14:15Z h m" },
        { "<13>2003-10-11T22:14:15+0100 h m", "flume.syslog.status=Invalid", "<13>2003-10-11T22:14:15+0100 h m" },
    };

    [Theory]
    [MemberData(nameof(SyslogExamples.ParsedAlike), MemberType = typeof(SyslogExamples))]
    [MemberData(nameof(Messages))]
    public void A_line_gets_the_headers_and_body_of_Flumes_multiport_parser(string message, string headers, string body)
    {
        var e = Build(message);

        Assert.Equal(headers, Headers(e));
        Assert.Equal(body, Body(e));
    }

    /// <summary>Same line, both sources: what syslogtcp (SyslogUtils) and multiport_syslogtcp (SyslogParser) make of it.</summary>
    public static TheoryData<string, string, string, string, string> Differences() => new()
    {
        // No <PRI>: SyslogUtils adds facility and severity 0, the multiport parser only the status.
        { "not syslog", "Facility=0, Severity=0, flume.syslog.status=Invalid", "not syslog", "flume.syslog.status=Invalid", "not syslog" },

        // RFC 5424 nil values: SyslogUtils sets no timestamp or host, the multiport parser the relay's time and "-".
        { "<13>1 - - app - - msg", "Facility=1, Severity=5, priority=13, version=1", "app - - msg", $"Facility=1, Severity=5, host=-, priority=13, timestamp={NowMillis}, version=1", "app - - msg" },

        // A CRLF line: SyslogUtils' "(.*)$" stops at the CR and keeps the whole line; the multiport parser keeps the CR in the body.
        {
            "<13>Dec  5 05:35:10 vm app: x\r", "Facility=1, Severity=5", "<13>Dec  5 05:35:10 vm app: x\r",
            $"Facility=1, Severity=5, host=vm, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x\r"
        },

        // Text after a priority that is no header: SyslogUtils keeps it with facility and severity; multiport gives up.
        { "<13>just text", "Facility=1, Severity=5", "<13>just text", "flume.syslog.status=Invalid", "<13>just text" },

        // Four priority digits: invalid for SyslogUtils' \d{1,3}, a number for parseInt.
        {
            "<1234>Dec  5 05:35:10 vm app: x", "Facility=0, Severity=0, flume.syslog.status=Invalid", "<1234>Dec  5 05:35:10 vm app: x",
            $"Facility=154, Severity=2, host=vm, priority=1234, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x"
        },

        // An RFC 5424 time without an offset: SyslogUtils reads it (local time, UTC here); the multiport parser needs more than 19 characters.
        {
            "<13>2003-10-11T22:14:15 h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("2003-10-11T22:14:15Z")}", "m",
            "flume.syslog.status=Invalid", "<13>2003-10-11T22:14:15 h m"
        },

        // A version other than 1: SyslogUtils takes any digit, the multiport parser only "1 ".
        {
            "<13>2 2003-10-11T22:14:15Z h m", $"Facility=1, Severity=5, host=h, priority=13, timestamp={Millis("2003-10-11T22:14:15Z")}, version=2", "m",
            "flume.syslog.status=Invalid", "<13>2 2003-10-11T22:14:15Z h m"
        },

        // A month name Java does not know: SyslogUtils sets no timestamp, the multiport parser 0.
        { "<13>Foo  5 05:35:10 vm app: x", "Facility=1, Severity=5, host=vm, priority=13", "app: x", "Facility=1, Severity=5, host=vm, priority=13, timestamp=0", "app: x" },

        // Two spaces before the message: SyslogUtils needs a host, the multiport parser takes an empty one.
        { "<13>Dec  5 05:35:10  app: x", "Facility=1, Severity=5", "<13>Dec  5 05:35:10  app: x", $"Facility=1, Severity=5, host=, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", "app: x" },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void Syslogtcp_and_multiport_read_the_same_line_differently_as_in_Flume(
        string message, string syslogTcpHeaders, string syslogTcpBody, string multiportHeaders, string multiportBody)
    {
        var syslogTcp = BuildSyslogTcp(message);
        var multiport = Build(message);

        Assert.Equal(syslogTcpHeaders, Headers(syslogTcp));
        Assert.Equal(syslogTcpBody, Body(syslogTcp));
        Assert.Equal(multiportHeaders, Headers(multiport));
        Assert.Equal(multiportBody, Body(multiport));
    }

    [Fact]
    public void An_RFC_3164_time_is_read_as_UTC_where_syslogtcp_reads_it_in_the_local_time_zone()
    {
        const string Line = "<13>Dec  5 05:35:10 vm app: x";

        Assert.Equal(Millis("2026-12-05T05:35:10Z"), Build(Line, zone: PlusTwo).Headers["timestamp"]);
        Assert.Equal(Millis("2026-12-05T03:35:10Z"), BuildSyslogTcp(Line, zone: PlusTwo).Headers["timestamp"]);
    }

    [Theory]
    [InlineData("2027-01-01T00:10:00Z", "Dec 31 23:59:00", "2026-12-31T23:59:00Z")]
    [InlineData("2026-12-31T23:59:00Z", "Jan  1 00:01:00", "2027-01-01T00:01:00Z")]
    [InlineData("2026-06-15T12:00:00Z", "Jul 10 12:00:00", "2026-07-10T12:00:00Z")]
    [InlineData("2026-06-15T12:00:00Z", "Aug 10 12:00:00", "2025-08-10T12:00:00Z")]
    [InlineData("2026-06-15T12:00:00Z", "Apr 10 12:00:00", "2026-04-10T12:00:00Z")]
    [InlineData("2027-03-15T12:00:00Z", "Feb 29 12:00:00", "2027-02-28T12:00:00Z")]
    public void An_RFC_3164_time_takes_the_year_that_puts_it_within_a_month_ahead_or_eleven_months_behind(string now, string stamp, string expected)
    {
        var e = Build($"<13>{stamp} host msg", now: DateTimeOffset.Parse(now, CultureInfo.InvariantCulture));

        Assert.Equal(Millis(expected), e.Headers["timestamp"]);
    }

    [Theory]
    [InlineData(true, "vm", "app: x", "0")]
    [InlineData(false, "", "vm app: x", "0")]
    public void Positions_count_characters_of_the_ports_charset_as_Javas_string_does(bool utf8, string host, string body, string timestamp)
    {
        // "Déc" is 15 characters to the host in UTF-8 but 16 bytes: read as ISO-8859-1 the window ends a byte early.
        var e = Build("<13>D\u00e9c  5 05:35:10 vm app: x", utf8: utf8);

        Assert.Equal(host, e.Headers["host"]);
        Assert.Equal(body, Body(e));
        Assert.Equal(timestamp, e.Headers["timestamp"]);
    }

    [Theory]
    [InlineData("<13>1 - - app - - msg", (int)(SyslogFields.Timestamp | SyslogFields.Hostname), "- - app - - msg")]
    [InlineData("<13>Dec  5 05:35:10 vm app: x", (int)SyslogFields.Timestamp, "Dec  5 05:35:10 app: x")]
    [InlineData("<13>Dec  5 05:35:10  app: x", (int)SyslogFields.Hostname, " app: x")]
    [InlineData("<13>Dec  5 05:35:10 vm app: x", (int)SyslogFields.Version, "app: x")]
    public void KeepFields_puts_fields_back_as_they_were_sent(string message, int keep, string body)
    {
        Assert.Equal(body, Body(Build(message, (SyslogFields)keep)));
    }

    [Fact]
    public void A_cut_line_that_parses_is_flagged_Incomplete()
    {
        var e = Build("<13>Dec  5 05:35:10 vm app: x", incomplete: true);

        Assert.Equal("Incomplete", e.Headers[SyslogEventBuilder.StatusHeader]);
        Assert.Equal("vm", e.Headers["host"]);
    }

    [Fact]
    public void A_cut_line_that_does_not_parse_is_Invalid_rather_than_Incomplete()
    {
        Assert.Equal("flume.syslog.status=Invalid", Headers(Build("<13>Oct 11 22:14", incomplete: true)));
    }

    [Fact]
    public void A_client_header_named_like_a_syslog_header_replaces_it_as_in_Flume()
    {
        var e = MultiportSyslogEventBuilder.Build(
            "<13>Dec  5 05:35:10 vm app: x"u8, incomplete: false, SyslogFields.None, utf8: true, Now, TimeZoneInfo.Utc, [new("host", "127.0.0.1"), new("port", "514")]);

        Assert.Equal($"Facility=1, Severity=5, host=127.0.0.1, port=514, priority=13, timestamp={Millis("2026-12-05T05:35:10Z")}", Headers(e));
    }
}
