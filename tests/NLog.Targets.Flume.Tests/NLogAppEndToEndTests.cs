using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;

namespace NLog.Targets.Flume.Tests;

public sealed class NLogAppEndToEndTests : IDisposable
{
    private const int Lines = 100_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("nlogapp-test-").FullName;

    [Fact]
    public async Task Example_app_delivers_100000_lines_through_a_real_relay_exactly_as_logged()
    {
        await using var forwarding = await ForwardingRelay.StartAsync();
        var (relayPort, received, relay) = (forwarding.SourcePort, forwarding.Received, forwarding.Relay);
        var config = Path.Combine(_directory, "NLog.config");
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "NLog.config"));
        Assert.Contains("hosts=\"127.0.0.1:41414\"", shipped, StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, shipped.Replace("127.0.0.1:41414", $"127.0.0.1:{relayPort}", StringComparison.Ordinal));
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        using (var app = PeerProcess.Start(RelayProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, "NLogApp.dll"), Lines.ToString(CultureInfo.InvariantCulture), config], _directory))
        {
            Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"logged {Lines} lines", app.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("dropped", app.Output, StringComparison.Ordinal);
        }

        var finished = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Eventually.TrueAsync(() => received.Events.Count >= Lines, $"{Lines} events at the receiver", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await relay.StopAsync());

        var events = received.Events.ToArray();
        Assert.Equal(Lines, events.Length);
        var seen = new bool[Lines];
        foreach (var flumeEvent in events)
        {
            var body = Encoding.UTF8.GetString(flumeEvent.Body.Span);
            Assert.StartsWith("line ", body, StringComparison.Ordinal);
            var number = int.Parse(body.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture);
            Assert.False(seen[number], $"line {number} arrived twice");
            seen[number] = true;
            var headers = flumeEvent.Headers;
            Assert.Equal("NLogApp", headers[Log4jHeaders.LoggerName]);
            Assert.Equal("20000", headers[Log4jHeaders.LogLevel]);
            Assert.InRange(long.Parse(headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture), started, finished);
            Assert.Equal("NLogApp", headers["app"]);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleanup.
        }
    }
}
