using System.Globalization;
using System.Text;
using Flume.Logging.Testing;

namespace log4net.Appender.Flume.Tests;

/// <summary>The example app as a real process with a disk buffer: a run while the relay is down, then one while it is up.</summary>
public sealed class Log4NetAppDiskBufferTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("log4netapp-buffer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Relay_down_with_a_buffer_then_up_the_next_run_delivers_the_first_runs_lines_first_in_order()
    {
        // A second run sends the buffer until its own ShutdownTimeout; 100,000 lines take about 3 s to drain at batch
        // size 100, which a loaded CI machine can stretch past it, leaving the rest for a third run.
        const int FirstRun = 20_000;
        const int Threads = 4;
        const int SecondRun = 10;
        var buffer = Path.Combine(_directory, "buffer");
        var bufferSetting = $"""<bufferPath value="{buffer}" />""";
        using var closed = new ClosedPort();
        var config = Log4NetAppRun.WriteConfig(_directory, closed.HostAndPort, bufferSetting);

        var first = await Log4NetAppRun.RunAsync(config, FirstRun, Threads);
        Log4NetAppRun.AssertNothingDropped(first.Output);

        // Only the buffer carries over to the next run, so the relay that is up has a port of its own.
        await using var forwarding = await ForwardingRelay.StartAsync();
        config = Log4NetAppRun.WriteConfig(_directory, $"127.0.0.1:{forwarding.SourcePort}", bufferSetting);
        var second = await Log4NetAppRun.RunAsync(config, SecondRun, threads: 1);
        Log4NetAppRun.AssertNothingDropped(second.Output);

        await Eventually.TrueAsync(
            () => forwarding.Received.Events.Count >= FirstRun + SecondRun,
            $"both runs' lines at the receiver (got {forwarding.Received.Events.Count}; the second run printed:\n{second.Output})",
            TimeSpan.FromSeconds(30));
        Assert.Equal(0, await forwarding.Relay.StopAsync());
        var lines = forwarding.Received.Events.Select(e => int.Parse(Encoding.UTF8.GetString(e.Body.Span).AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(FirstRun + SecondRun, lines.Length);
        Assert.Equal(Enumerable.Range(1, FirstRun), lines[..FirstRun].Order());
        Assert.Equal(Enumerable.Range(1, SecondRun), lines[FirstRun..]);

        // Each thread of the first run logged its own block of lines, ascending: the buffer kept the order they were logged in.
        foreach (var thread in lines[..FirstRun].GroupBy(line => (line - 1) / (FirstRun / Threads)))
        {
            Assert.Equal(thread.Order(), thread);
        }
    }
}
