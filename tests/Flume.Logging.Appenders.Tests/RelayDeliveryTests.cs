using System.Diagnostics;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Appenders.Tests;

/// <summary>Delivery to real Avro and Thrift servers over 127.0.0.1, with the production RPC clients.</summary>
public sealed class RelayDeliveryTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly string _bufferPath = Path.Combine(Path.GetTempPath(), "flume-appender-relay-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_bufferPath))
        {
            Directory.Delete(_bufferPath, recursive: true);
        }
    }

    private static async Task<IRpcServer> ServeAsync(RecordingReceiver receiver, int port = 0, FlumeProtocol protocol = FlumeProtocol.Avro, CompressionType compression = CompressionType.None)
    {
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = port, Compression = compression, PeerFilter = receiver.AdmitAsync };
        var server = protocol == FlumeProtocol.Avro
            ? AvroRpc.CreateServer("test source", options, receiver, NullLoggerFactory.Instance)
            : ThriftRpc.CreateServer("test source", options, receiver, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private static FlumeEvent Event(int i) => FlumeEvent.FromText(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// A first run whose relay port refuses connections: it logs events 0 to <paramref name="count"/> - 1, and its
    /// disposal, within the shutdown timeout, puts all of them in the disk buffer for the next run.
    /// </summary>
    private static async Task BufferWhileNoRelayListensAsync(FlumeAppenderOptions options, int count)
    {
        using var closed = new ClosedPort();
        options.Hosts = closed.HostAndPort;
        var first = new FlumeDelivery(options);
        for (var i = 0; i < count; i++)
        {
            Assert.True(first.TryEnqueue(Event(i)));
        }

        var watch = Stopwatch.StartNew();
        await first.DisposeAsync();
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, options.ShutdownTimeout);
        Assert.Equal(count, first.EventsBuffered);
        Assert.Equal(0, first.EventsDropped);
    }

    private static List<int> Numbers(IEnumerable<FlumeEvent> events) =>
        events.Select(e => int.Parse(Encoding.UTF8.GetString(e.Body.Span), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Theory]
    [InlineData(FlumeProtocol.Avro, CompressionType.None)]
    [InlineData(FlumeProtocol.Avro, CompressionType.Deflate)]
    [InlineData(FlumeProtocol.Thrift, CompressionType.None)]
    public async Task Ten_thousand_events_all_arrive_in_order(FlumeProtocol protocol, CompressionType compression)
    {
        var receiver = new RecordingReceiver();
        await using var server = await ServeAsync(receiver, protocol: protocol, compression: compression);
        var delivery = new FlumeDelivery(new FlumeAppenderOptions
        {
            Hosts = $"127.0.0.1:{server.LocalEndPoint.Port}",
            Protocol = protocol,
            Compression = compression,
            FlushInterval = TimeSpan.FromMilliseconds(20),
        });

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(delivery.TryEnqueue(Event(i)));
        }

        await delivery.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 10_000), Numbers(receiver.Events));
        Assert.Equal(10_000, delivery.EventsSent);
        Assert.Equal(0, delivery.EventsDropped);
    }

    [Fact]
    public async Task A_relay_answering_failed_is_retried_until_it_accepts_and_nothing_is_lost()
    {
        var receiver = new RecordingReceiver { Status = EventStatus.Failed };
        await using var server = await ServeAsync(receiver);
        await using var delivery = new FlumeDelivery(new FlumeAppenderOptions
        {
            Hosts = $"127.0.0.1:{server.LocalEndPoint.Port}",
            FlushInterval = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
        });
        for (var i = 0; i < 500; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        await Eventually.TrueAsync(() => delivery.BatchesFailed >= 3, "batches answered FAILED", Wait);
        receiver.Status = EventStatus.Ok;
        Assert.True(await delivery.FlushAsync(Wait));

        // A FAILED answer means the relay did not keep the batch, so the recording holds those attempts too.
        var received = Numbers(receiver.Events);
        Assert.Equal(Enumerable.Range(0, 500), received.Distinct().Order());
        Assert.Equal(500, delivery.EventsSent);
        Assert.Equal(0, delivery.EventsDropped);
    }

    [Fact]
    public async Task With_an_unreachable_relay_log_calls_never_block_longer_than_the_block_timeout_nor_throw()
    {
        using var closed = new ClosedPort();
        var options = new FlumeAppenderOptions
        {
            Hosts = closed.HostAndPort,
            QueueLimit = 50,
            BlockTimeout = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromMilliseconds(300),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
        };
        var delivery = new FlumeDelivery(options);
        var slowest = TimeSpan.Zero;
        var accepted = 0;
        for (var i = 0; i < 200; i++)
        {
            var watch = Stopwatch.StartNew();
            accepted += delivery.TryEnqueue(Event(i)) ? 1 : 0;
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        await delivery.DisposeAsync();

        Assert.InRange(slowest, TimeSpan.Zero, TimeSpan.FromMilliseconds(50 + 250));
        Assert.Equal(accepted, delivery.EventsEnqueued);
        Assert.Equal(200, delivery.EventsDropped);
        Assert.Equal(0, delivery.EventsSent);
    }

    [Fact]
    public async Task A_buffered_run_against_a_relay_that_never_came_up_is_delivered_by_the_next_run()
    {
        var options = new FlumeAppenderOptions
        {
            BufferPath = _bufferPath,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
        };
        await BufferWhileNoRelayListensAsync(options, 1000);

        // The next run starts while its relay still refuses connections, and is let in once it has tried: the relay
        // listens all along on its own port (only the buffer carries over between runs, not the hosts).
        var receiver = new RecordingReceiver { Refusing = true };
        await using var server = await ServeAsync(receiver);
        options.Hosts = $"127.0.0.1:{server.LocalEndPoint.Port}";
        var second = new FlumeDelivery(options);
        await Eventually.TrueAsync(() => receiver.RefusedConnections > 0, "the second run trying the relay while it is down", Wait);
        receiver.Refusing = false;
        await Eventually.TrueAsync(() => receiver.Events.Count >= 1000, "the buffer drained once the relay came up", Wait);
        await second.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 1000), Numbers(receiver.Events));
        Assert.Equal(1000, second.EventsSent);
    }

    [Fact]
    public async Task Disposing_while_a_buffered_batch_is_with_the_relay_waits_for_its_answer_instead_of_sending_it_again()
    {
        var options = new FlumeAppenderOptions { BufferPath = _bufferPath, FlushInterval = TimeSpan.FromMilliseconds(20) };
        await BufferWhileNoRelayListensAsync(options, 10);

        // The relay holds the next run's first batch, unanswered, while the run is disposed.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = new RecordingReceiver { Hold = answer.Task };
        await using var server = await ServeAsync(receiver);
        options.Hosts = $"127.0.0.1:{server.LocalEndPoint.Port}";
        var second = new FlumeDelivery(options);
        await receiver.Entered.Task.WaitAsync(Wait);
        var disposing = second.DisposeAsync().AsTask();

        // Time for a cancelled attempt to be sent again, which the held relay would also take.
        await Task.Delay(300);
        answer.SetResult();
        await disposing.WaitAsync(Wait);

        Assert.Equal(Enumerable.Range(0, 10), Numbers(receiver.Events));
        Assert.Equal([10], receiver.BatchSizes);
        Assert.Equal(10, second.EventsSent);
        Assert.Equal(0, second.EventsDropped);
    }

    [Fact]
    public async Task With_several_hosts_a_batch_failed_on_a_dead_one_goes_to_a_live_one()
    {
        var receiver = new RecordingReceiver();
        await using var server = await ServeAsync(receiver);
        using var dead = new ClosedPort();
        var delivery = new FlumeDelivery(new FlumeAppenderOptions
        {
            Hosts = $"{dead.HostAndPort} 127.0.0.1:{server.LocalEndPoint.Port}",
            BatchSize = 10,
            FlushInterval = TimeSpan.FromMilliseconds(20),
        });
        for (var i = 0; i < 100; i++)
        {
            delivery.TryEnqueue(Event(i));
        }

        await delivery.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 100), Numbers(receiver.Events));
        Assert.Equal(0, delivery.BatchesFailed);
    }
}
