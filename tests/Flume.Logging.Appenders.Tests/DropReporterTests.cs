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
    public async Task Drops_while_the_close_runs_are_one_line_with_the_close_even_when_no_report_was_made_before()
    {
        _drops.Closing();
        _drops.Drop("the batch the loop gave up");
        _drops.Drop("a queued event the loop gave up");

        // A report queued by the first drop would run on the thread pool; give it the time to show up.
        await Task.Delay(200);
        Assert.Empty(_lines);

        _drops.ReportNow();
        Assert.Equal("Flume appender: dropped 2 events (a queued event the loop gave up); 2 dropped in total", Assert.Single(_lines));
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
