using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Extensions.Tests;

/// <summary>
/// The example app as a real process, logging to a real relay (avro source, memory channel, avro sink) whose sink
/// delivers to an in-test Avro server, so every event's body and headers can be checked.
/// </summary>
public class ExtensionsLoggingAppEndToEndTests
{
    private const int Lines = 100_000;

    private static string AppDll => Path.Combine(AppContext.BaseDirectory, "ExtensionsLoggingApp.dll");

    private static string RelayConfig(int sourcePort, int receiverPort) => $"""
        a1.sources = avro
        a1.channels = mem
        a1.sinks = fwd
        a1.sources.avro.type = avro
        a1.sources.avro.bind = 127.0.0.1
        a1.sources.avro.port = {sourcePort}
        a1.sources.avro.channels = mem
        a1.channels.mem.type = memory
        a1.channels.mem.capacity = 200000
        a1.channels.mem.transactionCapacity = 1000
        a1.sinks.fwd.type = avro
        a1.sinks.fwd.channel = mem
        a1.sinks.fwd.hostname = 127.0.0.1
        a1.sinks.fwd.port = {receiverPort}
        a1.sinks.fwd.batch-size = 1000
        """;

    [Fact]
    public async Task The_example_app_delivers_all_100000_lines_exactly_as_logged()
    {
        var sourcePort = FreePort.Next();
        var receiverPort = FreePort.Next();
        var received = new RecordingReceiver();
        await using var receiver = AvroRpc.CreateServer("receiver", new RpcServerOptions { Bind = "127.0.0.1", Port = receiverPort }, received, NullLoggerFactory.Instance);
        await receiver.StartAsync(CancellationToken.None);
        using var relay = await RelayProcess.StartRunningAsync(RelayConfig(sourcePort, receiverPort));

        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var environment = new Dictionary<string, string> { ["Logging__Flume__Hosts"] = $"127.0.0.1:{sourcePort}" };
        using (var app = PeerProcess.Start(RelayProcess.DotnetHost, [AppDll, Lines.ToString(CultureInfo.InvariantCulture)], AppContext.BaseDirectory, environment))
        {
            Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"logged {Lines} lines", app.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("dropped", app.Output, StringComparison.Ordinal);
        }

        var ended = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Eventually.TrueAsync(() => received.Events.Count >= Lines, $"{Lines} events at the receiver", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await relay.StopAsync());

        var events = received.Events.ToArray();
        Assert.Equal(Lines, events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            var line = (i + 1).ToString(CultureInfo.InvariantCulture);
            var headers = events[i].Headers;
            Assert.Equal($"line {line} of {Lines}", Encoding.UTF8.GetString(events[i].Body.Span));
            Assert.Equal("ExtensionsLoggingApp", headers[Log4jHeaders.LoggerName]);
            Assert.Equal("20000", headers[Log4jHeaders.LogLevel]);
            Assert.InRange(long.Parse(headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture), started, ended);
            Assert.Equal("ExtensionsLoggingApp", headers["application"]);
            Assert.Equal(line, headers["Line"]);
            Assert.Equal("1", headers[FlumeLogger.EventIdProperty]);
        }
    }
}
