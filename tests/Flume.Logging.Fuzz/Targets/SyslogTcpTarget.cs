using System.Buffers;
using System.Text;
using Flume.Logging.Relay.Sources.Syslog;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// A syslog TCP connection as the source reads it: frames cut by the framer (newline and, for syslogtcp, octet
/// counting; for multiport_syslogtcp newline only), each parsed into an event. Control byte: bits 0-3 segment
/// length, bit 4 a single-byte charset instead of UTF-8 (multiport), bits 5-6 the fields kept in the body, bit 7 a
/// small eventSize so lines are cut.
/// </summary>
internal sealed class SyslogTcpTarget(bool multiport) : IFuzzTarget
{
    private static readonly SyslogFields[] Keep = [SyslogFields.None, SyslogFields.All, SyslogFields.Timestamp | SyslogFields.Hostname, SyslogFields.Priority | SyslogFields.Version];

    public string Name => multiport ? "syslog-multiport" : "syslog-tcp";

    public void Run(byte[] input)
    {
        var control = FuzzInput.Control(input);
        var buffer = FuzzInput.Sequence(FuzzInput.Data(input), FuzzInput.SegmentLength(control));
        var utf8 = (control & 0x10) == 0;
        var keep = Keep[(control >> 5) & 3];
        var framer = new SyslogFramer((control & 0x80) != 0 ? 32 : 2500, octetCounting: !multiport);
        var now = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        while (framer.TryRead(ref buffer, out var frame, out var incomplete))
        {
            Build(BuffersExtensions.ToArray(frame), incomplete, keep, utf8, now);
        }

        if (framer.TryReadLast(ref buffer, out var last))
        {
            Build(BuffersExtensions.ToArray(last), incomplete: false, keep, utf8, now);
        }
    }

    private void Build(byte[] frame, bool incomplete, SyslogFields keep, bool utf8, DateTimeOffset now)
    {
        var flumeEvent = multiport
            ? MultiportSyslogEventBuilder.Build(frame, incomplete, keep, utf8, now, TimeZoneInfo.Utc, [])
            : SyslogEventBuilder.Build(frame, incomplete, keep, now, TimeZoneInfo.Utc, []);
        AcceptingReceiver.Touch(flumeEvent);
    }

    public IEnumerable<byte[]> Seeds()
    {
        string[] lines =
        [
            "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lucas on /dev/pts/8\n",
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\"] An application event\n",
            "<13>1 - - - - - -\n",
            "not syslog at all\n",
            "47 <13>1 2026-12-05T11:00:00.123456+01:00 host app 1 - hi\n",
        ];
        foreach (var line in lines)
        {
            yield return FuzzInput.With(0, Encoding.UTF8.GetBytes(line));
        }

        yield return FuzzInput.With(0x87, Encoding.UTF8.GetBytes(string.Concat(lines)));
    }
}
