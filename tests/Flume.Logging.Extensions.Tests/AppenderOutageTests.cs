using System.Diagnostics;
using System.Globalization;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Extensions.Tests;

/// <summary>The example app as a real process while its relay is down: buffered to disk and drained later, or dropped and counted.</summary>
public sealed class AppenderOutageTests : IDisposable
{
    private readonly string _buffer = Directory.CreateTempSubdirectory("appender-buffer-").FullName;

    public void Dispose() => Directory.Delete(_buffer, recursive: true);

    private static string AppDll => Path.Combine(AppContext.BaseDirectory, "ExtensionsLoggingApp.dll");

    private static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunAppAsync(int lines, Dictionary<string, string> environment)
    {
        var clock = Stopwatch.StartNew();
        using var app = PeerProcess.Start(RelayProcess.DotnetHost, [AppDll, lines.ToString(CultureInfo.InvariantCulture)], AppContext.BaseDirectory, environment);
        var exit = await app.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (exit, app.Output, clock.Elapsed);
    }

    [Fact]
    public async Task Relay_down_for_a_whole_run_with_a_disk_buffer_then_a_second_run_drains_everything_in_order()
    {
        using var closed = new ClosedPort();
        var environment = new Dictionary<string, string>
        {
            ["Logging__Flume__Hosts"] = closed.HostAndPort,
            ["Logging__Flume__BufferPath"] = _buffer,
            ["Logging__Flume__ShutdownTimeout"] = "00:00:05",
        };

        var first = await RunAppAsync(10_000, environment);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("logged 10000 lines", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dropped", first.Output, StringComparison.Ordinal);
        Assert.True(first.Elapsed < TimeSpan.FromSeconds(30), $"the app took {first.Elapsed} to exit with its relay down");

        // Only the buffer carries over to the next run, so the relay that is up has a port of its own.
        var received = new RecordingReceiver();
        await using var relay = await received.ServeAvroAsync();
        environment["Logging__Flume__Hosts"] = $"127.0.0.1:{relay.LocalEndPoint.Port}";
        var second = await RunAppAsync(10, environment);
        Assert.Equal(0, second.ExitCode);

        await Eventually.TrueAsync(() => received.Events.Count >= 10_010, $"the buffered run and the second run at the relay (got {received.Events.Count}; second run said: {second.Output})", TimeSpan.FromSeconds(30));
        var expected = Enumerable.Range(1, 10_000).Select(i => $"line {i} of 10000").Concat(Enumerable.Range(1, 10).Select(i => $"line {i} of 10"));
        Assert.Equal(expected, received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public async Task Relay_down_without_a_buffer_counts_every_dropped_line_exactly_and_the_app_still_exits()
    {
        using var closed = new ClosedPort();
        var environment = new Dictionary<string, string>
        {
            ["Logging__Flume__Hosts"] = closed.HostAndPort,
            ["Logging__Flume__Overflow"] = "DropNewest",
            ["Logging__Flume__QueueLimit"] = "1000",
            ["Logging__Flume__ShutdownTimeout"] = "00:00:02",
        };

        var run = await RunAppAsync(5000, environment);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("logged 5000 lines", run.Output, StringComparison.Ordinal);
        Assert.Contains("5000 dropped in total", run.Output, StringComparison.Ordinal);
    }
}
