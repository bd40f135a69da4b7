using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Relay.Support;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sources;

public sealed class RpcSourceTests
{
    private static MemoryChannel Channel(int capacity, int? transactionCapacity = null) =>
        new("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = transactionCapacity ?? capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static Task<RpcSource> StartAsync(IChannel channel, bool thrift) =>
        RpcSourceHarness.StartAsync(new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance), thrift);

    private static IRpcClient Client(RpcSource source, bool thrift) => RpcSourceHarness.Client(source, thrift);

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
    public async Task A_batch_larger_than_the_channels_transactionCapacity_is_accepted_in_several_transactions(bool thrift)
    {
        // Flume's default transactionCapacity is 100; a client may send batches of 1000.
        var channel = Channel(5000, transactionCapacity: 100);
        await using var source = await StartAsync(channel, thrift);
        await using var client = Client(source, thrift);

        await client.AppendBatchAsync(Events(1000, "e"));

        Assert.Equal(1000, Drain(channel));
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Clients_retrying_into_a_full_channel_get_one_warning_per_interval_and_a_count_when_it_takes_again(bool thrift)
    {
        var channel = Channel(50);
        var time = new FakeTimeProvider();
        var logs = new CapturingLoggerFactory();
        await using var source = await RpcSourceHarness.StartAsync(
            new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance), thrift, time, logs.CreateLogger<RpcSource>());
        await using var client = Client(source, thrift);
        await client.AppendBatchAsync(Events(40, "first"));

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendBatchAsync(Events(30, "refused")));
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var refused = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, refused.Level);
        Assert.StartsWith("source r1: answered FAILED to 30 events, the client will retry: channel c1", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Refused since the last such warning (one per 10 s at most): 1 requests, 30 events", refused.Message, StringComparison.Ordinal);

        Assert.Equal(40, Drain(channel));
        time.Advance(FailurePacer.Interval);
        await client.AppendBatchAsync(Events(30, "taken"));
        Assert.Equal(2, logs.Entries.Count);
        Assert.Equal("source r1: the channels take requests again. Refused since the last warning: 19 requests, 570 events", logs.Entries.Last().Message);
        Assert.Equal(20, source.Counter.ChannelWriteFail);
    }

    private static byte[] PeekFirstBody(IChannel channel)
    {
        using var tx = channel.BeginTransaction();
        var first = tx.Take()!;
        tx.Rollback();
        return first.Body.ToArray();
    }
}
