using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>
/// The shipped example, end to end with real processes: examples/SerilogApp, on its shipped appsettings.json (only the
/// port changed), logs 100,000 lines to a real relay (avro source -> memory channel -> avro sink), whose sink forwards
/// to an Avro server in this test; every line must arrive exactly once, exactly as logged, with the log4j headers.
/// </summary>
public sealed class SerilogAppEndToEndTests(ITestOutputHelper output)
{
    private const int Lines = 100_000;
    private const string ShippedHosts = "\"hosts\": \"127.0.0.1:41414\"";
    [Fact]
    public async Task The_example_app_delivers_all_100000_lines_exactly_as_logged()
    {
        await using var forwarding = await ForwardingRelay.StartAsync(channelCapacity: 100_000);
        var (sourcePort, received, relay) = (forwarding.SourcePort, forwarding.Received, forwarding.Relay);

        var directory = Directory.CreateTempSubdirectory("serilog-app-").FullName;
        try
        {
            var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
            Assert.Contains(ShippedHosts, shipped, StringComparison.Ordinal);
            var config = Path.Combine(directory, "appsettings.json");
            await File.WriteAllTextAsync(config, shipped.Replace(ShippedHosts, $"\"hosts\": \"127.0.0.1:{sourcePort}\"", StringComparison.Ordinal));

            var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var app = PeerProcess.Start(RelayProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, "SerilogApp.dll"), Lines.ToString(CultureInfo.InvariantCulture), config], directory);
            Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var ended = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            output.WriteLine(app.Output);
            Assert.Contains($"logged {Lines} lines", app.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("dropped", app.Output, StringComparison.Ordinal);

            await Eventually.TrueAsync(() => received.Events.Count >= Lines, $"{Lines} events at the receiver", TimeSpan.FromSeconds(30));
            Assert.Equal(0, await relay.StopAsync());

            var events = received.Events.ToList();
            Assert.Equal(Lines, events.Count);
            var seen = new bool[Lines + 1];
            foreach (var e in events)
            {
                var body = Encoding.UTF8.GetString(e.Body.Span);
                var suffix = $" of {Lines}";
                Assert.True(body.StartsWith("line ", StringComparison.Ordinal) && body.EndsWith(suffix, StringComparison.Ordinal), $"unexpected body '{body}'");
                var line = int.Parse(body.AsSpan(5, body.Length - 5 - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
                Assert.InRange(line, 1, Lines);
                Assert.False(seen[line], $"line {line} arrived twice");
                seen[line] = true;

                Assert.Equal("SerilogApp.Program", e.Headers[Log4jHeaders.LoggerName]);
                Assert.Equal(line % 1000 == 0 ? "30000" : "20000", e.Headers[Log4jHeaders.LogLevel]);
                Assert.InRange(long.Parse(e.Headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture), started, ended);
                Assert.Equal("UTF8", e.Headers[Log4jHeaders.MessageEncoding]);
                Assert.Equal("SerilogApp", e.Headers["application"]);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
