using System.Collections.Concurrent;
using Flume.Logging.Testing;

namespace Flume.Logging.Appenders.Tests;

public sealed class DropListenerTests
{
    private static FlumeLogRecord Record(int i) =>
        new("test", FlumeLogLevel.Info, DateTimeOffset.UnixEpoch, $"line {i}", Source: $"source {i}");

    [Fact]
    public async Task Records_dropped_on_overflow_and_at_shutdown_hand_their_sources_to_the_listener()
    {
        var dropped = new ConcurrentQueue<(object Source, string Reason)>();
        var client = new FakeRpcClient { FailAlways = true };
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:9", BatchSize = 2, QueueLimit = 3, ShutdownTimeout = TimeSpan.FromMilliseconds(300) };
        var factory = new FlumeEventFactory(options, "host");
        var delivery = new FlumeDelivery(options, new DeliveryContext
        {
            ClientFactory = _ => client,
            DropListener = (sources, reason) =>
            {
                foreach (var source in sources)
                {
                    dropped.Enqueue((source, reason));
                }
            },
        });

        delivery.TryEnqueue(Record(0), factory);
        delivery.TryEnqueue(Record(1), factory);
        await Eventually.TrueAsync(() => client.Calls == 1, "the first batch failed");
        for (var i = 2; i < 7; i++)
        {
            delivery.TryEnqueue(Record(i), factory);
        }

        // Three fit in the queue behind the failed batch; the last two are refused on the logging thread.
        Assert.Equal(["source 5", "source 6"], dropped.Select(d => d.Source));
        Assert.All(dropped, d => Assert.Contains("queue is full", d.Reason, StringComparison.Ordinal));

        await delivery.DisposeAsync();

        Assert.Equal(7, delivery.EventsDropped);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"source {i}").Order(), dropped.Select(d => (string)d.Source).Order());
    }

    [Theory]
    [InlineData(OverflowMode.DropNewest, true)]
    [InlineData(OverflowMode.DropOldest, false)]
    [InlineData(OverflowMode.Block, false)]
    public async Task A_call_finding_the_queue_full_under_DropNewest_is_counted_before_it_is_rendered(OverflowMode overflow, bool dropsEarly)
    {
        var dropped = new ConcurrentQueue<object>();
        var client = new FakeRpcClient { FailAlways = true };
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:9", BatchSize = 1, QueueLimit = 2, Overflow = overflow, ShutdownTimeout = TimeSpan.FromMilliseconds(300) };
        var factory = new FlumeEventFactory(options, "host");
        await using var delivery = new FlumeDelivery(options, new DeliveryContext
        {
            ClientFactory = _ => client,
            DropListener = (sources, _) =>
            {
                foreach (var source in sources)
                {
                    dropped.Enqueue(source);
                }
            },
        });
        delivery.TryEnqueue(Record(0), factory);
        await Eventually.TrueAsync(() => client.Calls == 1, "the first batch failed");
        Assert.False(delivery.DropIfFull("early 1"));
        delivery.TryEnqueue(Record(1), factory);
        delivery.TryEnqueue(Record(2), factory);

        Assert.Equal(dropsEarly, delivery.DropIfFull("early 2"));
        Assert.Equal(dropsEarly ? 1 : 0, delivery.EventsDropped);
        Assert.Equal(dropsEarly ? ["early 2"] : [], dropped);
    }

    [Fact]
    public async Task Closing_just_after_the_periodic_report_took_the_last_count_does_not_repeat_its_total()
    {
        var log = new ConcurrentQueue<string>();
        var counters = new Delivery.DeliveryCounters();
        var drops = new Delivery.DropReporter(counters, new Delivery.SelfLog(log.Enqueue), null, TimeProvider.System);
        drops.Drop("the queue is full (DropNewest)");
        await Eventually.TrueAsync(() => log.Count == 1, "the periodic report of the first drop, from the thread pool");

        drops.ReportNow();
        drops.ReportNow();

        Assert.Equal(["Flume appender: dropped 1 events (the queue is full (DropNewest)); 1 dropped in total"], log);
    }
}
