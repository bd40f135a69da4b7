using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Tests.Sources.Syslog;

/// <summary>
/// RFC 3164 and RFC 5424 examples and Debian's logger(1) output on which Flume's two syslog parsers agree (SyslogUtils
/// for syslogtcp, SyslogParser for multiport_syslogtcp), read at 2026-12-05T05:35:30Z in UTC: the message, the headers
/// and the body each source makes of it.
/// </summary>
public static class SyslogExamples
{
    /// <summary>The time every example is read at.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-05T05:35:30Z", CultureInfo.InvariantCulture);

    public static TheoryData<string, string, string> ParsedAlike() => new()
    {
        // RFC 3164 section 5.4, example 1.
        {
            "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
            $"Facility=4, Severity=2, host=mymachine, priority=34, timestamp={Millis("2026-10-11T22:14:15Z")}",
            "su: 'su root' failed for lonvick on /dev/pts/8"
        },

        // RFC 5424 section 6.5, examples 1-4 (the BOM kept as sent).
        {
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
            $"Facility=4, Severity=2, host=mymachine.example.com, priority=34, timestamp={Millis("2003-10-11T22:14:15.003Z")}, version=1",
            "su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8"
        },
        {
            "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
            $"Facility=20, Severity=5, host=192.0.2.1, priority=165, timestamp={Millis("2003-08-24T12:14:15Z")}, version=1",
            "myproc 8710 - - %% It's time to make the do-nuts."
        },
        {
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] An application event log entry...",
            $"Facility=20, Severity=5, host=mymachine.example.com, priority=165, timestamp={Millis("2003-10-11T22:14:15.003Z")}, version=1",
            "evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] An application event log entry..."
        },
        {
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\"][examplePriority@32473 class=\"high\"]",
            $"Facility=20, Severity=5, host=mymachine.example.com, priority=165, timestamp={Millis("2003-10-11T22:14:15.003Z")}, version=1",
            "evntslog - ID47 [exampleSDID@32473 iut=\"3\"][examplePriority@32473 class=\"high\"]"
        },

        // Debian's logger 2.38 (util-linux): logger --rfc3164 / --rfc5424 -p local3.warning -t myapp.
        {
            "<156>Dec  5 05:35:10 vm myapp: hello from logger",
            $"Facility=19, Severity=4, host=vm, priority=156, timestamp={Millis("2026-12-05T05:35:10Z")}",
            "myapp: hello from logger"
        },
        {
            "<156>1 2026-12-05T05:35:10.574930+00:00 vm myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] hello from logger",
            $"Facility=19, Severity=4, host=vm, priority=156, timestamp={Millis("2026-12-05T05:35:10.574Z")}, version=1",
            "myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] hello from logger"
        },
    };

    /// <summary>An ISO 8601 time as the epoch milliseconds of Flume's <c>timestamp</c> header.</summary>
    public static string Millis(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The body as UTF-8 text.</summary>
    public static string Body(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    /// <summary>The headers as "key=value" sorted by key, comma-separated.</summary>
    public static string Headers(FlumeEvent e) =>
        string.Join(", ", e.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"));
}
