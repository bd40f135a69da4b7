using System.Globalization;
using System.Net;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;

namespace log4net.Appender.Flume.Tests;

/// <summary>The example app through a real relay, with nothing but the relay address configured.</summary>
public sealed class Log4NetAppEndToEndTests : IDisposable
{
    private const int Lines = 100_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("log4netapp-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("shutdown")]
    [InlineData("exit")]
    public async Task Lines_from_4_threads_arrive_exactly_once_with_log4j_headers_after_each_shutdown_idiom(string shutdown)
    {
        await using var forwarding = await ForwardingRelay.StartAsync();
        var config = Log4NetAppRun.WriteConfig(_directory, $"127.0.0.1:{forwarding.SourcePort}");
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var run = await Log4NetAppRun.RunAsync(config, Lines, threads: 4, shutdown);

        var finished = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Log4NetAppRun.AssertNothingDropped(run.Output);
        await Eventually.TrueAsync(() => forwarding.Received.Events.Count >= Lines, $"{Lines} events at the receiver", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await forwarding.Relay.StopAsync());
        var events = forwarding.Received.Events.ToArray();
        Assert.Equal(Lines, events.Length);
        var seen = new bool[Lines + 1];
        var hostName = Dns.GetHostName();
        foreach (var flumeEvent in events)
        {
            var body = Encoding.UTF8.GetString(flumeEvent.Body.Span);
            Assert.StartsWith("line ", body, StringComparison.Ordinal);
            var number = int.Parse(body.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture);
            Assert.InRange(number, 1, Lines);
            Assert.False(seen[number], $"line {number} arrived twice");
            seen[number] = true;
            var headers = flumeEvent.Headers;
            Assert.Equal("Log4NetApp", headers[Log4jHeaders.LoggerName]);
            Assert.Equal("20000", headers[Log4jHeaders.LogLevel]);
            Assert.InRange(long.Parse(headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture), started, finished);
            Assert.Equal(hostName, headers[Log4jHeaders.Address]);
            Assert.Equal("UTF8", headers[Log4jHeaders.MessageEncoding]);
        }
    }
}
