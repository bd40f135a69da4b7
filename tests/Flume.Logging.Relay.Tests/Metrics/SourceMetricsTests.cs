using System.Net.Sockets;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Metrics;

public sealed class SourceMetricsTests
{
    private static MemoryChannel Channel(int capacity) =>
        new("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static ChannelProcessor Processor(IChannel channel) =>
        new(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);

    private static async Task<RpcSource> StartRpcSourceAsync(IChannel channel, bool thrift)
    {
        var source = new RpcSource(
            "r1",
            Processor(channel),
            source =>
            {
                var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0, ConnectionObserver = source.Counter };
                return thrift
                    ? ThriftRpc.CreateServer("thrift source r1", options, source, NullLoggerFactory.Instance)
                    : AvroRpc.CreateServer("avro source r1", options, source, NullLoggerFactory.Instance);
            },
            TimeProvider.System,
            NullLogger<RpcSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    private static IRpcClient Client(RpcSource source, bool thrift) => Tests.Sources.RpcSourceHarness.Client(source, thrift);

    private static List<FlumeEvent> Events(int count) => Enumerable.Range(0, count).Select(i => FlumeEvent.FromText($"e{i}")).ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rpc_sources_count_append_and_appendBatch_requests_and_their_events(bool thrift)
    {
        var channel = Channel(100);
        await using var source = await StartRpcSourceAsync(channel, thrift);
        await using (var client = Client(source, thrift))
        {
            await client.AppendAsync(FlumeEvent.FromText("one"));
            await client.AppendBatchAsync(Events(5));
            await client.AppendBatchAsync(Events(7));

            var counter = source.Counter;
            Assert.Equal(1, counter.AppendReceivedCount);
            Assert.Equal(1, counter.AppendAcceptedCount);
            Assert.Equal(2, counter.AppendBatchReceivedCount);
            Assert.Equal(2, counter.AppendBatchAcceptedCount);
            Assert.Equal(13, counter.EventReceivedCount);
            Assert.Equal(13, counter.EventAcceptedCount);
            Assert.Equal(1, counter.OpenConnectionCount);
            Assert.NotEqual(0, counter.StartTime);
        }

        await Eventually.TrueAsync(() => source.Counter.OpenConnectionCount == 0, "the closed connection to be counted");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_batch_the_channel_refuses_counts_as_received_and_a_channel_write_failure(bool thrift)
    {
        var channel = Channel(10);
        await using var source = await StartRpcSourceAsync(channel, thrift);
        await using var client = Client(source, thrift);
        await client.AppendBatchAsync(Events(8));

        await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendBatchAsync(Events(5)));

        var counter = source.Counter;
        Assert.Equal(2, counter.AppendBatchReceivedCount);
        Assert.Equal(1, counter.AppendBatchAcceptedCount);
        Assert.Equal(13, counter.EventReceivedCount);
        Assert.Equal(8, counter.EventAcceptedCount);
        Assert.Equal(1, counter.ChannelWriteFail);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Undecodable_input_counts_as_a_read_failure(bool thrift)
    {
        var channel = Channel(10);
        await using var source = await StartRpcSourceAsync(channel, thrift);
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(source.LocalEndPoint);

            // A length prefix far over any frame cap: both protocols reject it at once.
            await socket.GetStream().WriteAsync(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF });
            await Eventually.TrueAsync(() => source.Counter.EventReadFail == 1, "the bad frame to be counted");
        }

        Assert.Equal(0, source.Counter.EventReceivedCount);
    }

    [Fact]
    public async Task Netcat_counts_lines_received_and_accepted_refusals_and_over_long_lines()
    {
        var channel = Channel(3);
        await using var source = new NetcatSource(
            "r1", new NetcatSourceOptions { Bind = "127.0.0.1", Port = 0, MaxLineLength = 10 }, Processor(channel), TimeProvider.System, NullLoggerFactory.Instance);
        await source.StartAsync(CancellationToken.None);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(source.LocalEndPoint);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await stream.WriteAsync("a\nb\n"u8.ToArray());
            Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(1, source.Counter.OpenConnectionCount);

            await stream.WriteAsync("this line is far too long\n"u8.ToArray());
            Assert.StartsWith("FAILED", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);

            await stream.WriteAsync("c\nd\n"u8.ToArray());
            Assert.StartsWith("FAILED", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
            Assert.StartsWith("FAILED", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        }

        var counter = source.Counter;
        Assert.Equal(4, counter.EventReceivedCount);
        Assert.Equal(2, counter.EventAcceptedCount);
        Assert.Equal(1, counter.ChannelWriteFail);
        Assert.Equal(1, counter.EventReadFail);
        Assert.Equal(0, counter.AppendBatchReceivedCount);
        await Eventually.TrueAsync(() => counter.OpenConnectionCount == 0, "the closed connection to be counted");
        await source.StopAsync(CancellationToken.None);
        Assert.NotEqual(0, counter.StopTime);
    }

    [Fact]
    public async Task The_agent_registers_every_built_in_components_counters_under_Flumes_keys()
    {
        var text = """
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = seq
            a1.sources.r1.totalEvents = 30
            a1.sources.r1.batchSize = 10
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            a1.sinks.k1.type = null
            a1.sinks.k1.batchSize = 30
            a1.sinks.k1.channel = c1
            """;
        var configuration = Relay.Config.FlumeConfiguration.Load(Relay.Config.PropertiesReader.Read(new StringReader(text), "test.properties"), null);
        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(NullLoggerFactory.Instance, TimeProvider.System));

        Assert.Equal(["CHANNEL.c1", "SINK.k1", "SOURCE.r1"], agent.Metrics.Snapshot().Select(MetricsRegistry.KeyOf));
        await agent.StartAsync(CancellationToken.None);
        var sink = (SinkCounter)agent.Metrics.Snapshot()[1];
        await Eventually.TrueAsync(() => sink.EventDrainSuccessCount == 30, "the sink to drain 30 events");

        var source = (SourceCounter)agent.Metrics.Snapshot()[2];
        Assert.Equal(3, source.AppendBatchAcceptedCount);
        Assert.Equal(30, source.EventAcceptedCount);
        var channel = (ChannelCounter)agent.Metrics.Snapshot()[0];
        Assert.Equal(30, channel.EventPutSuccessCount);
        Assert.Equal(30, channel.EventTakeSuccessCount);
    }
}
