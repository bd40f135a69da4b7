using System.Collections.Concurrent;
using System.Diagnostics;
using Flume.Logging.Appenders;
using Flume.Logging.Testing;
using Serilog.Debugging;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>Serilog's SelfLog is process-wide, so only this class enables it.</summary>
public sealed class SelfLogTests : IDisposable
{
    private readonly ConcurrentQueue<string> _selfLog = new();

    public SelfLogTests() => SelfLog.Enable(_selfLog.Enqueue);

    public void Dispose() => SelfLog.Disable();

    [Fact]
    public async Task With_no_relay_every_event_is_dropped_counted_and_reported_to_SelfLog_without_blocking_the_caller()
    {
        using var closed = new ClosedPort();
        var options = new FlumeAppenderOptions
        {
            // Nothing listens here: every connection is refused.
            Hosts = closed.HostAndPort,
            QueueLimit = 2,
            BatchSize = 1,
            Overflow = OverflowMode.DropNewest,
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
            ShutdownTimeout = TimeSpan.FromMilliseconds(300),
        };
        var sink = new FlumeSink(options);
        var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        var logging = Stopwatch.StartNew();
        for (var i = 0; i < 50; i++)
        {
            logger.Information("event {Index}", i);
        }

        logging.Stop();
        var disposing = Stopwatch.StartNew();
        logger.Dispose();
        disposing.Stop();

        Assert.True(logging.Elapsed < TimeSpan.FromSeconds(1), $"50 log calls took {logging.Elapsed}");
        Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {disposing.Elapsed} with a 300 ms shutdown timeout");
        Assert.Equal(0, sink.EventsSent);

        // Under load the delivery loop can outlive the shutdown timeout and its grace (CI once counted 48 here when
        // dispose returned): what it drops after that is still counted, and reported in a line of its own.
        await Eventually.TrueAsync(() => sink.EventsDropped == 50, "all 50 events counted as dropped", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(
            () => _selfLog.Any(line => line.Contains("50 dropped in total", StringComparison.Ordinal)),
            "a SelfLog line gives the total of 50",
            TimeSpan.FromSeconds(10));
    }
}
