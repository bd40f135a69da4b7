using System.Collections.Concurrent;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Appenders.Tests;

public sealed class DropReporterTests
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly DeliveryCounters _counters = new();
    private readonly DropReporter _drops;

    // A manual clock that never moves: the 10 s report interval cannot pass.
    public DropReporterTests() => _drops = new DropReporter(_counters, new SelfLog(_lines.Enqueue), null, new FakeTimeProvider());

    [Fact]
    public async Task Drops_inside_the_interval_wait_for_the_close_which_reports_their_total()
    {
        _drops.Drop("first");
        await Eventually.TrueAsync(() => _lines.Count == 1, "the first drop is reported");
        _drops.Drop("second");
        _drops.Drop("third");

        _drops.ReportNow();

        Assert.Equal(2, _lines.Count);
        Assert.Contains("dropped 2 events (third); 3 dropped in total", _lines.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drops_after_the_close_are_reported_at_once_without_waiting_for_the_interval()
    {
        _drops.Drop("before the close");
        await Eventually.TrueAsync(() => _lines.Count == 1, "the first drop is reported");
        _drops.ReportNow();
        Assert.Single(_lines);

        // A delivery loop that outlived the shutdown timeout drops what it still held.
        _drops.Drop("held by a loop that outlived the shutdown timeout");
        _drops.Drop("held by a loop that outlived the shutdown timeout");

        await Eventually.TrueAsync(() => _lines.Any(line => line.Contains("3 dropped in total", StringComparison.Ordinal)), "the late drops are reported");
        Assert.Equal(3, _counters.Dropped);
    }
}
