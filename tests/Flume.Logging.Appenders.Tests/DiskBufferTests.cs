using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Appenders.Tests;

public sealed class DiskBufferTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly string _bufferPath = Path.Combine(Path.GetTempPath(), "flume-appender-buffer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_bufferPath))
        {
            Directory.Delete(_bufferPath, recursive: true);
        }
    }

    private FlumeDelivery Start(FakeRpcClient client, ConcurrentQueue<string>? log = null) =>
        new(
            new FlumeAppenderOptions
            {
                Hosts = "127.0.0.1:9",
                BatchSize = 10,
                FlushInterval = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
                BufferPath = _bufferPath,
                BufferSizeLimit = 1000,
            },
            new DeliveryContext { SelfLog = log is null ? null : log.Enqueue, ClientFactory = _ => client });

    private static FlumeEvent Event(int i) => FlumeEvent.FromText(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static List<int> Numbers(IEnumerable<FlumeEvent> events) =>
        events.Select(e => int.Parse(Encoding.UTF8.GetString(e.Body.Span), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task Events_buffered_while_the_relay_is_down_survive_a_restart_and_drain_in_order()
    {
        var down = new FakeRpcClient { FailAlways = true };
        var first = Start(down);
        for (var i = 0; i < 150; i++)
        {
            Assert.True(first.TryEnqueue(Event(i)));
        }

        await Eventually.TrueAsync(() => down.Calls > 0, "a send failed");
        var watch = Stopwatch.StartNew();
        await first.DisposeAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(150, first.EventsBuffered);
        Assert.Equal(0, first.EventsDropped);
        Assert.Equal(0, first.EventsSent);

        var up = new FakeRpcClient();
        var log = new ConcurrentQueue<string>();
        var second = Start(up, log);
        await Eventually.TrueAsync(() => up.AcceptedEvents.Count == 150, "the buffer drained to the relay");
        Assert.True(second.TryEnqueue(Event(150)));
        Assert.True(await second.FlushAsync(Wait));
        await second.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 151), Numbers(up.AcceptedEvents));
        Assert.Equal(151, second.EventsSent);
        Assert.Contains(log, line => line.Contains("150 events wait in the disk buffer", StringComparison.Ordinal));

        var third = new FakeRpcClient();
        var again = Start(third);
        await again.DisposeAsync();
        Assert.Equal(0, third.Calls);
    }

    [Fact]
    public async Task A_queue_larger_than_the_buffer_fills_it_and_only_the_rest_is_dropped()
    {
        var down = new FakeRpcClient { FailAlways = true };
        var log = new ConcurrentQueue<string>();
        var delivery = Start(down, log);
        for (var i = 0; i < 1500; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        await delivery.DisposeAsync();

        Assert.Equal(1000, delivery.EventsBuffered);
        Assert.Equal(500, delivery.EventsDropped);
        Assert.Contains(log, line => line.Contains("is full, at its BufferSizeLimit of 1000 events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task During_an_outage_the_queue_moves_to_disk_several_times_a_flush_interval_so_a_burst_beyond_it_is_kept()
    {
        var time = new FakeTimeProvider();
        var down = new FakeRpcClient { FailAlways = true };
        await using var delivery = new FlumeDelivery(
            new FlumeAppenderOptions { Hosts = "127.0.0.1:9", QueueLimit = 1000, BufferPath = _bufferPath },
            new DeliveryContext { ClientFactory = _ => down, TimeProvider = time });
        for (var i = 0; i < 100; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        // The first batch fails at once (no backoff yet); the loop then spills and waits out the relay's 1 s backoff.
        await Eventually.TrueAsync(() => delivery.EventsBuffered == 100, "the failed batch on disk");
        for (var i = 100; i < 1000; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        // A tenth of the default 1 s flush interval: the queue is on disk, and the next burst finds room.
        time.Advance(FlumeDelivery.SpillPoll);
        await Eventually.TrueAsync(() => delivery.EventsBuffered == 1000, "the queue moved to disk within the backoff");
        for (var i = 1000; i < 1900; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)), $"event {i} found no room");
        }

        Assert.Equal(0, delivery.EventsDropped);
    }

    [Fact]
    public async Task A_full_buffer_leaves_the_rest_in_the_memory_queue_and_all_of_it_is_sent_once_the_relay_is_back()
    {
        var time = new FakeTimeProvider();
        var client = new FakeRpcClient { FailAlways = true };
        await using var delivery = new FlumeDelivery(
            new FlumeAppenderOptions { Hosts = "127.0.0.1:9", BufferPath = _bufferPath, BufferSizeLimit = 1000 },
            new DeliveryContext { ClientFactory = _ => client, TimeProvider = time });
        for (var i = 0; i < 1500; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        await Eventually.TrueAsync(() => delivery.EventsBuffered == 1000, "the buffer filled");

        // Several spills while the relay stays down: the 500 the buffer has no room for wait in memory.
        for (var i = 0; i < 5; i++)
        {
            time.Advance(FlumeDelivery.SpillPoll);
            await Task.Delay(20);
        }

        Assert.Equal(0, delivery.EventsDropped);

        client.FailAlways = false;
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => client.AcceptedEvents.Count == 1500, "everything sent");

        Assert.Equal(Enumerable.Range(0, 1500), Numbers(client.AcceptedEvents));
        Assert.Equal(0, delivery.EventsDropped);
    }

    [Fact]
    public async Task Events_logged_during_an_outage_follow_the_buffered_ones_once_the_relay_is_back()
    {
        var client = new FakeRpcClient { FailAlways = true };
        await using var delivery = Start(client);
        for (var i = 0; i < 30; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        await Eventually.TrueAsync(() => delivery.EventsBuffered >= 10, "the failed batch went to disk");
        for (var i = 30; i < 60; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        client.FailAlways = false;
        Assert.True(await delivery.FlushAsync(Wait));
        await Eventually.TrueAsync(() => client.AcceptedEvents.Count == 60, "everything sent");

        Assert.Equal(Enumerable.Range(0, 60), Numbers(client.AcceptedEvents));
        Assert.Equal(0, delivery.EventsDropped);
    }

    [Fact]
    public async Task A_drained_buffer_gives_its_disk_back_but_for_the_one_file_being_written()
    {
        // 39 MiB of bodies buffered during an outage, then all sent: the application's disk must not keep them until
        // the log file reaches Flume's 2 GB roll size.
        var body = new byte[10 * 1024];
        var batch = new List<FlumeEvent>();
        for (var i = 0; i < 100; i++)
        {
            batch.Add(new FlumeEvent(new Dictionary<string, string>(), body));
        }

        var buffer = DiskBuffer.Open(_bufferPath, 10_000, 100, TimeProvider.System, new SelfLog(null));
        Assert.NotNull(buffer);
        await using (buffer)
        {
            for (var i = 0; i < 40; i++)
            {
                await buffer.PutAsync(batch);
            }

            // At least the bodies (39 MiB); how much more (headers, framing, the log's preallocated tail) varies.
            Assert.True(DataBytes() >= 40L * batch.Count * body.Length, $"the outage's events are on disk: {DataBytes()} bytes");
            var scratch = new List<FlumeEvent>();
            while ((await buffer.SendOldestAsync(scratch, _ => Task.FromResult<Exception?>(null))).Sent > 0)
            {
            }

            Assert.Equal(0, buffer.Count);
        }

        Assert.True(DataBytes() <= DiskBuffer.MaxFileSize, $"{DataBytes()} bytes are left in the data folder");
    }

    private long DataBytes()
    {
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_bufferPath, "data"), "log-*"))
        {
            total += new FileInfo(file).Length;
        }

        return total;
    }

    [Fact]
    public async Task A_buffer_that_cannot_open_leaves_delivery_from_memory_working()
    {
        await File.WriteAllTextAsync(_bufferPath, "a file where the buffer folder should be");
        var client = new FakeRpcClient();
        var log = new ConcurrentQueue<string>();
        await using (var delivery = Start(client, log))
        {
            delivery.TryEnqueue(Event(1));
            Assert.True(await delivery.FlushAsync(Wait));
        }

        File.Delete(_bufferPath);
        Assert.Single(client.AcceptedEvents);
        Assert.Contains(log, line => line.Contains("cannot open the disk buffer", StringComparison.Ordinal));
    }
}
