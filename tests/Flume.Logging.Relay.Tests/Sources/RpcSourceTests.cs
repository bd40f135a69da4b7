using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources;

public sealed class RpcSourceTests
{
    private static MemoryChannel Channel(int capacity) =>
        new("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static async Task<RpcSource> StartAsync(IChannel channel, bool thrift)
    {
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0 };
        var source = new RpcSource(
            "r1",
            processor,
            receiver => thrift
                ? ThriftRpc.CreateServer("thrift source r1", options, receiver, NullLoggerFactory.Instance)
                : AvroRpc.CreateServer("avro source r1", options, receiver, NullLoggerFactory.Instance),
            NullLogger<RpcSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    private static IRpcClient Client(RpcSource source, bool thrift)
    {
        var options = new RpcClientOptions { ClientType = thrift ? RpcClientType.Thrift : RpcClientType.Default, BatchSize = 1000 };
        options.Hosts.Add(new RpcHost("r1", "127.0.0.1", source.LocalEndPoint.Port));
        return RpcClients.Create(options);
    }

    private static List<FlumeEvent> Events(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => FlumeEvent.FromText($"{prefix}{i}")).ToList();

    private static int Drain(IChannel channel)
    {
        var count = 0;
        while (true)
        {
            using var tx = channel.BeginTransaction();
            if (tx.Take() is null)
            {
                return count;
            }

            count++;
            tx.CommitAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Accepted_batches_are_committed_before_the_OK(bool thrift)
    {
        var channel = Channel(100);
        await using var source = await StartAsync(channel, thrift);
        await using var client = Client(source, thrift);

        await client.AppendBatchAsync(Events(40, "e"));

        // The OK came back, so the commit already happened: no waiting needed.
        Assert.Equal(40, channel.Size);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_batch_the_channel_cannot_hold_is_answered_FAILED_and_nothing_of_it_is_stored(bool thrift)
    {
        var channel = Channel(50);
        await using var source = await StartAsync(channel, thrift);
        await using var client = Client(source, thrift);
        await client.AppendBatchAsync(Events(30, "first"));

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendBatchAsync(Events(30, "second")));
        Assert.Contains("FAILED", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(30, Drain(channel));

        // Once there is room, the client's retry of the same batch is accepted whole.
        await client.AppendBatchAsync(Events(30, "second"));
        Assert.Equal(30, channel.Size);
        Assert.Equal(Encoding.UTF8.GetBytes("second0"), PeekFirstBody(channel));
    }

    private static byte[] PeekFirstBody(IChannel channel)
    {
        using var tx = channel.BeginTransaction();
        var first = tx.Take()!;
        tx.Rollback();
        return first.Body.ToArray();
    }
}
