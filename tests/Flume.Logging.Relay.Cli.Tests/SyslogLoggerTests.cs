using System.Globalization;
using System.Text.RegularExpressions;
using Flume.Logging.Relay.Cli.Tests.Tools;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// The user guide's syslog and netcat UDP examples, run unchanged on a real relay except for their ports (0, read
/// back from the relay's log) and 0.0.0.0 (127.0.0.1), with a memory channel and a file_roll sink added so that
/// the events can be read back. Debian's logger(1) sends into them.
/// </summary>
public sealed partial class SyslogLoggerTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("relay-syslog-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    /// <summary>Channel c1 and a sink writing "{headers} body" lines, which the guide's snippets leave out.</summary>
    private string Sink() => $"""

        a1.channels.c1.type = memory
        a1.sinks = k1
        a1.sinks.k1.type = file_roll
        a1.sinks.k1.channel = c1
        a1.sinks.k1.sink.directory = {_out}
        a1.sinks.k1.sink.rollInterval = 0
        a1.sinks.k1.sink.serializer = header_and_text
        a1.sinks.k1.sink.batchSize = 1
        """;

    /// <summary>The guide's syslogtcp and syslogudp examples (the same but for the type), port 5140 made 0.</summary>
    private static string SyslogExample(string type) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sources.r1.type = {type}
        a1.sources.r1.port = 5140
        a1.sources.r1.host = localhost
        a1.sources.r1.channels = c1
        """.Replace("port = 5140", "port = 0", StringComparison.Ordinal);

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();

    private static async Task<RelayProcess> StartAsync(string configuration)
    {
        var relay = await RelayProcess.StartRunningAsync(configuration, "a1", "-Dflume.root.logger=INFO,console");
        await relay.Process.WaitForLineAsync("listening on 127.0.0.1:");
        return relay;
    }

    private static List<int> Ports(RelayProcess relay) =>
        [.. relay.Process.Lines.Select(l => Listening().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static async Task LoggerAsync(int port, params string[] options)
    {
        using var logger = PeerProcess.Start("logger", [.. options, "-n", "127.0.0.1", "-P", port.ToString(CultureInfo.InvariantCulture), "-t", "myapp", "-p", "local3.warning"]);
        await logger.WaitForSuccessAsync(TimeSpan.FromSeconds(20));
    }

    private async Task<List<string>> DeliveredAsync(int count)
    {
        var lines = new List<string>();
        await Eventually.TrueAsync(
            () =>
            {
                lines = [.. Directory.GetFiles(_out).SelectMany(File.ReadAllLines).Where(l => l.Length > 0)];
                return lines.Count >= count;
            },
            $"{count} events in {_out}",
            TimeSpan.FromSeconds(30));
        return lines;
    }

    private static string Line(List<string> lines, string body) =>
        Assert.Single(lines, l => l.EndsWith("} " + body, StringComparison.Ordinal));

    [Fact]
    public async Task Syslog_TCP_example_takes_logger_RFC_3164_RFC_5424_and_octet_counted_messages()
    {
        using var relay = await StartAsync(SyslogExample("syslogtcp") + Sink());
        var port = Assert.Single(Ports(relay));

        await LoggerAsync(port, "--tcp", "--rfc3164", "three one six four");
        await LoggerAsync(port, "--tcp", "--rfc5424", "five four two four");
        await LoggerAsync(port, "--tcp", "--rfc5424", "--octet-count", "counted five four two four");
        await LoggerAsync(port, "--tcp", "--rfc3164", "--octet-count", "counted three one six four");
        var lines = await DeliveredAsync(4);

        var rfc3164 = Line(lines, "myapp: three one six four");
        Assert.Contains("Facility=19", rfc3164, StringComparison.Ordinal);
        Assert.Contains("Severity=4", rfc3164, StringComparison.Ordinal);
        Assert.Contains("priority=156", rfc3164, StringComparison.Ordinal);
        Assert.Contains($"host={Environment.MachineName}", rfc3164, StringComparison.Ordinal);
        Assert.Matches("timestamp=\\d{13}", rfc3164);
        var rfc5424 = Line(lines, "myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] five four two four");
        Assert.Contains("version=1", rfc5424, StringComparison.Ordinal);
        Line(lines, "myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] counted five four two four");
        Line(lines, "myapp: counted three one six four");
        Assert.DoesNotContain(lines, l => l.Contains("flume.syslog.status", StringComparison.Ordinal));
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Syslog_UDP_example_takes_logger_datagrams()
    {
        using var relay = await StartAsync(SyslogExample("syslogudp") + Sink());
        var port = Assert.Single(Ports(relay));

        await LoggerAsync(port, "--udp", "--rfc3164", "over udp three one six four");
        await LoggerAsync(port, "--udp", "--rfc5424", "over udp five four two four");
        var lines = await DeliveredAsync(2);

        Assert.Contains("Facility=19", Line(lines, "myapp: over udp three one six four"), StringComparison.Ordinal);
        Assert.Contains("version=1", Line(lines, "myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] over udp five four two four"), StringComparison.Ordinal);
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Multiport_example_tags_each_logger_message_with_the_port_it_came_in_on_and_frames_by_newline_only()
    {
        var example = """
            a1.sources = r1
            a1.channels = c1
            a1.sources.r1.type = multiport_syslogtcp
            a1.sources.r1.channels = c1
            a1.sources.r1.host = 0.0.0.0
            a1.sources.r1.ports = 10001 10002 10003
            a1.sources.r1.portHeader = port
            """.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("10001 10002 10003", "0 0 0", StringComparison.Ordinal);
        using var relay = await StartAsync(example + Sink());
        await Eventually.TrueAsync(() => Ports(relay).Count == 3, "three ports", TimeSpan.FromSeconds(20));
        var ports = Ports(relay);

        for (var i = 0; i < ports.Count; i++)
        {
            await LoggerAsync(ports[i], "--tcp", i == 1 ? "--rfc5424" : "--rfc3164", i == 2 ? "--octet-count" : "--tcp", $"to port {i}");
        }

        var lines = await DeliveredAsync(3);
        var rfc3164 = Line(lines, "myapp: to port 0");
        Assert.Contains($"port={ports[0]}", rfc3164, StringComparison.Ordinal);
        Assert.Contains($"host={Environment.MachineName}", rfc3164, StringComparison.Ordinal);
        Assert.Matches("timestamp=\\d{13}", rfc3164);
        var rfc5424 = Line(lines, "myapp - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] to port 1");
        Assert.Contains($"port={ports[1]}", rfc5424, StringComparison.Ordinal);
        Assert.Contains("version=1", rfc5424, StringComparison.Ordinal);

        // Flume's multiport source frames by newline only: an octet-counted message is one line, count and all,
        // which its parser refuses (it comes whole when logger closes the connection).
        var counted = Assert.Single(lines, l => l.EndsWith("myapp: to port 2", StringComparison.Ordinal));
        Assert.Matches(@"^\{.*flume\.syslog\.status=Invalid.*\} \d+ <156>", counted);
        Assert.Contains($"port={ports[2]}", counted, StringComparison.Ordinal);
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Netcat_UDP_example_takes_each_datagram_as_an_event()
    {
        var example = """
            a1.sources = r1
            a1.channels = c1
            a1.sources.r1.type = netcatudp
            a1.sources.r1.bind = 0.0.0.0
            a1.sources.r1.port = 6666
            a1.sources.r1.channels = c1
            """.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("port = 6666", "port = 0", StringComparison.Ordinal);
        using var relay = await StartAsync(example + Sink());
        var port = Assert.Single(Ports(relay));

        // logger without --rfc* still sends a syslog line; netcatudp keeps it whole, as nc -u -l would print it.
        await LoggerAsync(port, "--udp", "--rfc3164", "plain datagram");
        var line = Assert.Single(await DeliveredAsync(1));

        Assert.Matches(@"^\{\} <156>[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ myapp: plain datagram$", line);
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Load_tool_syslog_mode_sends_lines_of_the_asked_size_that_the_source_parses_whole()
    {
        using var relay = await StartAsync(SyslogExample("syslogtcp") + "\na1.sources.r1.keepFields = all" + Sink());
        var port = Assert.Single(Ports(relay));

        var (exitCode, output, _) = await ToolRun.RunAsync(
            "load", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--protocol", "syslog", "--size", "400", "--connections", "3", "--events", "3000", "--json");

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"events\":3000", output, StringComparison.Ordinal);
        var lines = await DeliveredAsync(3000);
        Assert.Equal(3000, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Contains("host=loadhost", l, StringComparison.Ordinal);
            Assert.Equal(400, l[(l.IndexOf("} ", StringComparison.Ordinal) + 2)..].Length);
        });
        Assert.Equal(0, await relay.StopAsync());
    }
}
