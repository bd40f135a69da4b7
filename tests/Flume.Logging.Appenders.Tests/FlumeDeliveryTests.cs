using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;

namespace Flume.Logging.Appenders.Tests;

public class FlumeDeliveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static FlumeAppenderOptions Options(Action<FlumeAppenderOptions>? change = null)
    {
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:9", MaxBackoff = TimeSpan.FromMilliseconds(200) };
        change?.Invoke(options);
        return options;
    }

    private static FlumeDelivery Start(FlumeAppenderOptions options, IRpcClient client, TimeProvider? time = null, ConcurrentQueue<string>? log = null) =>
        new(options, new DeliveryContext { SelfLog = log is null ? null : log.Enqueue, TimeProvider = time, ClientFactory = _ => client });

    private static FlumeEvent Event(int i) => FlumeEvent.FromText(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static List<int> Numbers(IEnumerable<FlumeEvent> events) =>
        events.Select(e => int.Parse(Encoding.UTF8.GetString(e.Body.Span), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task Full_batches_go_at_once_and_in_order()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var delivery = Start(Options(o => o.BatchSize = 5), client, time);
        await using var disposal = new AdvancingDisposal(delivery, time);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        // The loop looks for more events every LingerPoll; full batches go long before the flush interval.
        var start = time.GetUtcNow();
        await AdvanceUntilAsync(time, () => client.AcceptedEvents.Count == 10, FlumeDelivery.LingerPoll);
        Assert.True(time.GetUtcNow() - start < TimeSpan.FromMilliseconds(500), "full batches waited for the flush interval");
        Assert.Equal(Enumerable.Range(0, 10), Numbers(client.AcceptedEvents));
        Assert.All(client.Accepted, batch => Assert.Equal(5, batch.Count));
        Assert.Equal(10, delivery.EventsSent);
    }

    [Fact]
    public async Task Queued_records_are_encoded_at_the_call_and_one_that_cannot_be_is_refused_and_counted()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var log = new ConcurrentQueue<string>();
        var options = Options(o =>
        {
            // The unbuildable record never enters the queue: the other two fill one batch.
            o.BatchSize = 2;
            o.PropertiesAsHeaders = true;
        });
        var delivery = Start(options, client, time, log);
        await using var disposal = new AdvancingDisposal(delivery, time);
        var events = new FlumeEventFactory(options, "test-host");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        Assert.True(delivery.TryEnqueue(new FlumeLogRecord("Orders", FlumeLogLevel.Warn, at, "first", Properties: [new("OrderId", 1)]), events));
        Assert.False(delivery.TryEnqueue(new FlumeLogRecord("Orders", FlumeLogLevel.Info, at, "broken", Properties: [new("Bad", new ThrowingToString())]), events));
        Assert.Equal(1, delivery.EventsDropped);
        Assert.True(delivery.TryEnqueue(new FlumeLogRecord("Orders", FlumeLogLevel.Info, at, "second"), events));

        await AdvanceUntilAsync(time, () => client.AcceptedEvents.Count == 2, FlumeDelivery.LingerPoll);
        Assert.Equal(["first", "second"], client.AcceptedEvents.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        var first = client.AcceptedEvents[0];
        Assert.Equal("1", first.Headers["OrderId"]);
        Assert.Equal("30000", first.Headers[Log4jHeaders.LogLevel]);
        Assert.Equal("1700000000000", first.Headers[Log4jHeaders.Timestamp]);
        Assert.Equal(1, delivery.EventsDropped);
        await Eventually.TrueAsync(() => log.Any(line => line.Contains("could not be built: no text", StringComparison.Ordinal)), "the loss reported");
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }

    [Fact]
    public async Task A_lingering_loop_looks_less_often_while_nothing_arrives()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var delivery = Start(Options(o => o.FlushInterval = TimeSpan.FromSeconds(1)), client, time);
        await using var disposal = new AdvancingDisposal(delivery, time);

        delivery.TryEnqueue(Event(1));
        await Eventually.TrueAsync(() => time.ActiveTimerCount > 0, "the loop lingers for more events");
        var before = time.TimersCreated;
        await AdvanceUntilAsync(time, () => client.AcceptedEvents.Count == 1, TimeSpan.FromMilliseconds(5));

        // A fixed 1 ms poll would have set about 200 timers over the flush interval's 200 steps of 5 ms.
        Assert.InRange(time.TimersCreated - before, 1, 40);
    }

    [Fact]
    public async Task A_partial_batch_waits_for_the_flush_interval()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var delivery = Start(Options(o => o.FlushInterval = TimeSpan.FromSeconds(1)), client, time);
        await using var disposal = new AdvancingDisposal(delivery, time);

        delivery.TryEnqueue(Event(1));
        delivery.TryEnqueue(Event(2));
        await Eventually.TrueAsync(() => time.ActiveTimerCount > 0, "the loop lingers for more events");
        var created = time.TimersCreated;
        time.Advance(TimeSpan.FromMilliseconds(900));

        // The loop wakes to look for more events and goes back to lingering on a new timer rather than sending: once
        // it has, it has decided, and a send it were to make early would have been made.
        await Eventually.TrueAsync(() => time.TimersCreated > created && time.ActiveTimerCount > 0, "the loop lingering again after 900 ms");
        Assert.Equal(0, client.Calls);

        time.Advance(TimeSpan.FromMilliseconds(100));
        await Eventually.TrueAsync(() => client.AcceptedEvents.Count == 2, "the partial batch sent at the flush interval");
        Assert.Single(client.Accepted);
    }

    [Fact]
    public async Task FlushAsync_sends_a_partial_batch_at_once()
    {
        var client = new FakeRpcClient();
        await using var delivery = Start(Options(o => o.FlushInterval = TimeSpan.FromMinutes(5)), client);

        delivery.TryEnqueue(Event(1));

        Assert.True(await delivery.FlushAsync(Wait));
        Assert.Single(client.AcceptedEvents);
    }

    [Fact]
    public async Task FlushAsync_answers_false_when_the_relay_is_down()
    {
        var client = new FakeRpcClient { FailAlways = true };
        await using var delivery = Start(Options(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)), client);

        delivery.TryEnqueue(Event(1));

        Assert.False(await delivery.FlushAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_failed_batch_is_retried_with_backoff_and_nothing_is_lost()
    {
        var client = new FakeRpcClient();
        client.FailNext(3);
        var log = new ConcurrentQueue<string>();
        await using var delivery = Start(Options(o => o.BatchSize = 10), client, log: log);

        for (var i = 0; i < 25; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        Assert.True(await delivery.FlushAsync(Wait));
        Assert.Equal(Enumerable.Range(0, 25), Numbers(client.AcceptedEvents));
        Assert.Equal(3, delivery.BatchesFailed);
        Assert.Equal(0, delivery.EventsDropped);
        Assert.Contains(log, line => line.Contains("cannot deliver to 127.0.0.1:9", StringComparison.Ordinal));
        Assert.Contains(log, line => line.Contains("resumed", StringComparison.Ordinal));
    }

    /// <summary>
    /// The loop holds event 0 (batches of one go at once) in a failing send whose retry never comes (the clock stands
    /// still), so the queue holds exactly what is enqueued after it.
    /// </summary>
    private static async Task<FlumeDelivery> StuckAsync(FakeRpcClient client, CountingTimeProvider time, OverflowMode overflow, ConcurrentQueue<string>? log = null, int blockMilliseconds = 200)
    {
        client.FailAlways = true;
        var delivery = Start(Options(o => { o.BatchSize = 1; o.QueueLimit = 10; o.Overflow = overflow; o.BlockTimeout = TimeSpan.FromMilliseconds(blockMilliseconds); }), client, time, log);
        delivery.TryEnqueue(Event(0));
        await Eventually.TrueAsync(() => client.Calls == 1, "the first send failed");
        return delivery;
    }

    [Fact]
    public async Task DropNewest_refuses_exactly_what_does_not_fit_and_reports_it()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var log = new ConcurrentQueue<string>();
        var delivery = await StuckAsync(client, time, OverflowMode.DropNewest, log);
        await using var disposal = new AdvancingDisposal(delivery, time);

        var accepted = Enumerable.Range(1, 15).Count(i => delivery.TryEnqueue(Event(i)));

        Assert.Equal(10, accepted);
        Assert.Equal(5, delivery.EventsDropped);
        // Reported from the thread pool, not from the log call: how many it counts depends on when it runs.
        await Eventually.TrueAsync(() => log.Any(line => line.Contains("events (the queue is full (DropNewest))", StringComparison.Ordinal)), "the drop report");

        client.FailAlways = false;
        await AdvanceUntilAsync(time, () => client.AcceptedEvents.Count == 11);
        Assert.Equal(Enumerable.Range(0, 11), Numbers(client.AcceptedEvents));
    }

    [Fact]
    public async Task DropOldest_keeps_the_newest_events()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var delivery = await StuckAsync(client, time, OverflowMode.DropOldest);
        await using var disposal = new AdvancingDisposal(delivery, time);

        var accepted = Enumerable.Range(1, 15).Count(i => delivery.TryEnqueue(Event(i)));

        Assert.Equal(15, accepted);
        Assert.Equal(5, delivery.EventsDropped);
        client.FailAlways = false;
        await AdvanceUntilAsync(time, () => client.AcceptedEvents.Count == 11);
        Assert.Equal([0, .. Enumerable.Range(6, 10)], Numbers(client.AcceptedEvents));
    }

    [Fact]
    public async Task Block_does_not_wait_while_every_relay_is_down()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient();
        var delivery = await StuckAsync(client, time, OverflowMode.Block, blockMilliseconds: 10_000);
        await using var disposal = new AdvancingDisposal(delivery, time);
        for (var i = 1; i <= 10; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        var watch = Stopwatch.StartNew();
        var accepted = delivery.TryEnqueue(Event(11));
        watch.Stop();

        Assert.True(delivery.RelaysDown);
        Assert.False(accepted);
        Assert.Equal(1, delivery.EventsDropped);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the call waited {watch.Elapsed} for a relay known to be down");
    }

    [Fact]
    public async Task The_byte_limit_bounds_the_memory_the_queue_holds()
    {
        var time = new CountingTimeProvider();
        var client = new FakeRpcClient { FailAlways = true };
        var large = new FlumeEvent(new byte[600]);
        var small = new FlumeEvent(new byte[400]);
        var limit = RecordMemory.Of(large) + RecordMemory.Of(small);
        var delivery = Start(Options(o => { o.BatchSize = 1; o.QueueByteLimit = limit; o.Overflow = OverflowMode.DropNewest; }), client, time);
        await using var disposal = new AdvancingDisposal(delivery, time);
        delivery.TryEnqueue(new FlumeEvent(new byte[10]));
        await Eventually.TrueAsync(() => client.Calls == 1, "the first send failed");

        Assert.True(delivery.TryEnqueue(large));
        Assert.True(delivery.TryEnqueue(small));
        Assert.False(delivery.TryEnqueue(new FlumeEvent(new byte[1])));
        Assert.False(delivery.TryEnqueue(new FlumeEvent(new byte[limit])));
        Assert.Equal(2, delivery.EventsDropped);
    }

    [Fact]
    public void A_queued_record_counts_its_encoded_bytes_and_a_kept_source_as_held_memory()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1" }, "host");
        var bare = QueuedRecord.Of(new FlumeLogRecord("logger", FlumeLogLevel.Info, DateTimeOffset.UnixEpoch, "12345"), factory).Size;
        var longer = QueuedRecord.Of(new FlumeLogRecord("logger", FlumeLogLevel.Info, DateTimeOffset.UnixEpoch, new string('x', 1005)), factory).Size;
        Assert.Equal(1000, longer - bare);
        var wide = QueuedRecord.Of(new FlumeLogRecord("logger", FlumeLogLevel.Info, DateTimeOffset.UnixEpoch, new string('\u00e9', 1005)), factory).Size;
        Assert.Equal(2005, wide - bare);

        // The exception's text follows the message on a line of its own.
        var exception = new InvalidOperationException(new string('e', 5000));
        var withException = QueuedRecord.Of(new FlumeLogRecord("logger", FlumeLogLevel.Error, DateTimeOffset.UnixEpoch, "12345", exception), factory).Size;
        Assert.Equal(exception.ToString().Length + 1, withException - bare);

        // The framework's own event holds the same text again, as UTF-16.
        var withSource = QueuedRecord.Of(new FlumeLogRecord("logger", FlumeLogLevel.Info, DateTimeOffset.UnixEpoch, "12345", Source: new object()), factory).Size;
        Assert.True(withSource > 2 * bare, $"{withSource} <= 2 x {bare}");

        // A header costs its key and value, and a length for each.
        var value = new string('v', 3000);
        var properties = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1", PropertiesAsHeaders = true }, "host");
        var withProperty = QueuedRecord.Of(new FlumeLogRecord("logger", FlumeLogLevel.Info, DateTimeOffset.UnixEpoch, "12345", Properties: [new("Key", value)]), properties).Size;
        Assert.Equal(3000 + 3 + 8, withProperty - bare);
    }

    [Fact]
    public async Task Dispose_flushes_what_is_queued()
    {
        var client = new FakeRpcClient();
        var delivery = Start(Options(o => o.FlushInterval = TimeSpan.FromMinutes(5)), client);
        for (var i = 0; i < 250; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        await delivery.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 250), Numbers(client.AcceptedEvents));
        Assert.Equal(1, client.DisposeCount);
    }

    [Fact]
    public async Task Dispose_with_the_relay_down_gives_up_at_the_shutdown_timeout_and_counts_every_loss()
    {
        var client = new FakeRpcClient { FailAlways = true };
        var log = new ConcurrentQueue<string>();
        var delivery = Start(Options(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(500)), client, log: log);
        for (var i = 0; i < 300; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        var watch = Stopwatch.StartNew();
        await delivery.DisposeAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Equal(300, delivery.EventsDropped);
        Assert.Contains(log, line => line.Contains("dropped", StringComparison.Ordinal) && line.Contains("300 dropped in total", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_with_a_relay_that_never_answers_says_the_batch_in_flight_was_unanswered()
    {
        // A frozen relay: the connection is accepted, and the request waits until the shutdown deadline cancels it.
        var client = new FakeRpcClient { OnCall = static (_, token) => new ValueTask(Task.Delay(Timeout.Infinite, token)) };
        var log = new ConcurrentQueue<string>();
        var delivery = Start(Options(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300)), client, log: log);
        delivery.TryEnqueue(Event(1));

        await delivery.DisposeAsync();

        Assert.Equal(1, delivery.EventsDropped);
        var line = Assert.Single(log, l => l.Contains("dropped 1 events", StringComparison.Ordinal));
        Assert.Contains("the relay had not answered the batch in flight", line, StringComparison.Ordinal);
        Assert.DoesNotContain("canceled", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_dispose_log_calls_are_refused_and_counted_without_throwing()
    {
        var delivery = Start(Options(), new FakeRpcClient());
        await delivery.DisposeAsync();

        Assert.False(delivery.TryEnqueue(Event(1)));
        Assert.Equal(1, delivery.EventsDropped);
        await delivery.DisposeAsync();
    }

    [Fact]
    public async Task A_throwing_self_log_does_not_reach_the_caller()
    {
        var client = new FakeRpcClient { FailAlways = true };
        var delivery = new FlumeDelivery(
            Options(o => { o.QueueLimit = 1; o.Overflow = OverflowMode.DropNewest; o.ShutdownTimeout = TimeSpan.FromMilliseconds(200); }),
            new DeliveryContext { SelfLog = _ => throw new InvalidOperationException("broken self-log"), ClientFactory = _ => client });

        for (var i = 0; i < 20; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        await delivery.DisposeAsync();
        Assert.Equal(20, delivery.EventsSent + delivery.EventsDropped);
    }

    private static async Task AdvanceUntilAsync(CountingTimeProvider time, Func<bool> condition, TimeSpan? step = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Wait, "condition not met while advancing the clock");
            time.Advance(step ?? TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
    }

    /// <summary>Disposes a delivery on a manual clock, moving the clock so retries and the shutdown deadline come due.</summary>
    private sealed class AdvancingDisposal(FlumeDelivery delivery, CountingTimeProvider time) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var disposing = delivery.DisposeAsync().AsTask();
            var watch = Stopwatch.StartNew();
            while (!disposing.IsCompleted && watch.Elapsed < Wait)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }

            await disposing.WaitAsync(Wait);
        }
    }
}
