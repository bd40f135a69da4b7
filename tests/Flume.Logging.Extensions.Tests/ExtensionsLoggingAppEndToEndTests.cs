using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;

namespace Flume.Logging.Extensions.Tests;

/// <summary>
/// The example app as a real process, logging to a real relay (avro source, memory channel, avro sink) whose sink
/// delivers to an in-test Avro server, so every event's body and headers can be checked.
/// </summary>
public class ExtensionsLoggingAppEndToEndTests
{
    private const int Lines = 100_000;

    private static string AppDll => Path.Combine(AppContext.BaseDirectory, "ExtensionsLoggingApp.dll");
    [Fact]
    public async Task The_example_app_delivers_all_100000_lines_exactly_as_logged()
    {
        await using var forwarding = await ForwardingRelay.StartAsync();
        var (sourcePort, received, relay) = (forwarding.SourcePort, forwarding.Received, forwarding.Relay);

        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var environment = new Dictionary<string, string> { ["Logging__Flume__Hosts"] = $"127.0.0.1:{sourcePort}" };
        using (var app = PeerProcess.Start(RelayProcess.DotnetHost, [AppDll, Lines.ToString(CultureInfo.InvariantCulture)], AppContext.BaseDirectory, environment))
        {
            await app.WaitForSuccessAsync(TimeSpan.FromSeconds(60));
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
