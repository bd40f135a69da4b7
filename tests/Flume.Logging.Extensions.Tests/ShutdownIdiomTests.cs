using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;

namespace Flume.Logging.Extensions.Tests;

/// <summary>
/// The example app as a real process, configured with nothing but the relay address: each way a MEL app shuts down
/// (and an app that never closes its logger factory, at process exit) delivers every line while the relay is up, and with the relay down the log calls stay fast, the app exits within
/// the shutdown timeout and the dropped total is exact.
/// </summary>
public sealed class ShutdownIdiomTests : IDisposable
{
    private const int Lines = 100_000;
    private const string App = "ExtensionsLoggingApp.dll";
    private readonly string _directory = Directory.CreateTempSubdirectory("mel-idioms-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigWithOnlyHosts(int port)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, $$"""{ "Logging": { "Flume": { "Hosts": "127.0.0.1:{{port}}" } } }""");
        return path;
    }

    [Theory]
    [InlineData("dispose")]
    [InlineData("host")]
    [InlineData("exit")]
    public async Task With_the_relay_up_each_shutdown_idiom_delivers_every_line_exactly_once(string idiom)
    {
        await using var forwarding = await ForwardingRelay.StartAsync();
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var run = await ExampleAppRun.RunAsync(App, [Lines.ToString(CultureInfo.InvariantCulture), ConfigWithOnlyHosts(forwarding.SourcePort), "--threads", "4", "--shutdown", idiom]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"logged {Lines} lines", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.DroppedTotal);
        var ended = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // The generic host logs its own lifetime lines too; the app's lines are those of its category.
        bool IsLine(Protocol.FlumeEvent e) => e.Headers[Log4jHeaders.LoggerName] == "ExtensionsLoggingApp";
        await Eventually.TrueAsync(() => forwarding.Received.Events.Count(IsLine) >= Lines, $"{Lines} lines at the receiver", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await forwarding.Relay.StopAsync());
        var seen = new bool[Lines + 1];
        foreach (var flumeEvent in forwarding.Received.Events.Where(IsLine))
        {
            var line = int.Parse(flumeEvent.Headers["Line"], CultureInfo.InvariantCulture);
            Assert.False(seen[line], $"line {line} arrived twice");
            seen[line] = true;
            Assert.Equal($"line {line} of {Lines}", Encoding.UTF8.GetString(flumeEvent.Body.Span));
            Assert.Equal("20000", flumeEvent.Headers[Log4jHeaders.LogLevel]);
            Assert.InRange(long.Parse(flumeEvent.Headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture), started, ended);
            Assert.Equal("UTF8", flumeEvent.Headers[Log4jHeaders.MessageEncoding]);
        }

        Assert.Equal(Lines, seen.Count(s => s));
    }

    [Theory]
    [InlineData("dispose")]
    [InlineData("host")]
    public async Task With_the_relay_down_log_calls_stay_fast_the_app_exits_within_the_shutdown_timeout_and_drops_are_counted_exactly(string idiom)
    {
        using var closed = new ClosedPort();
        var run = await ExampleAppRun.RunAsync(App, [Lines.ToString(CultureInfo.InvariantCulture), ConfigWithOnlyHosts(closed.Port), "--threads", "4", "--shutdown", idiom]);

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.LogCallsTook < ExampleAppScenarios.NoWaitBound, $"100000 log calls from 4 threads took {run.LogCallsTook}");

        // The default ShutdownTimeout is 10 s; the rest of the margin is the process starting.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(12), $"the app took {run.Elapsed} to exit");

        // A generic host logs four lifetime lines of its own, which are lost with the app's.
        Assert.Equal(idiom == "host" ? Lines + 4 : Lines, run.DroppedTotal);
    }
}
