using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Metrics;

public sealed class SinkMetricsTests
{
    private readonly MemoryChannel _channel = new(
        "c1", new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 100, KeepAlive = TimeSpan.Zero },
        TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private async Task PutAsync(int count)
    {
        using var tx = _channel.BeginTransaction();
        for (var i = 0; i < count; i++)
        {
            tx.Put(FlumeEvent.FromText($"e{i}"));
        }

        await tx.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Full_partial_and_empty_batches_are_told_apart_and_drained_events_counted()
    {
        var sink = new NullSink("k1", _channel, batchSize: 10);
        await PutAsync(25);

        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(SinkStatus.Backoff, await sink.ProcessAsync(CancellationToken.None));

        var counter = sink.Counter;
        Assert.Equal(2, counter.BatchCompleteCount);
        Assert.Equal(1, counter.BatchUnderflowCount);
        Assert.Equal(1, counter.BatchEmptyCount);
        Assert.Equal(25, counter.EventDrainAttemptCount);
        Assert.Equal(25, counter.EventDrainSuccessCount);
        Assert.Equal(0, counter.EventWriteFail);
    }

    [Fact]
    public async Task A_failed_delivery_counts_its_events_as_write_failures_and_not_as_drained()
    {
        var client = new FakeRpcClient(batchSize: 10) { FailAlways = true };
        var sink = new RpcSink("k1", _channel, 10, client);
        await PutAsync(4);

        await Assert.ThrowsAsync<EventDeliveryException>(async () => await sink.ProcessAsync(CancellationToken.None));
        await Assert.ThrowsAsync<EventDeliveryException>(async () => await sink.ProcessAsync(CancellationToken.None));

        var counter = sink.Counter;
        Assert.Equal(8, counter.EventWriteFail);
        Assert.Equal(8, counter.EventDrainAttemptCount);
        Assert.Equal(0, counter.EventDrainSuccessCount);
        Assert.Equal(0, counter.BatchUnderflowCount);
        Assert.Equal(4, _channel.Size);
    }

    [Fact]
    public async Task Connections_are_counted_from_the_sinks_view_of_deliveries()
    {
        var client = new FakeRpcClient(batchSize: 10);
        var sink = new RpcSink("k1", _channel, 10, client);
        await sink.StartAsync(CancellationToken.None);

        client.FailNext(2);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await PutAsync(1);
            await Assert.ThrowsAsync<EventDeliveryException>(async () => await sink.ProcessAsync(CancellationToken.None));
            await _channel.BeginTransactionAndDrainAsync();
        }

        Assert.Equal(2, sink.Counter.ConnectionFailedCount);
        Assert.Equal(0, sink.Counter.ConnectionCreatedCount);

        await PutAsync(1);
        await sink.ProcessAsync(CancellationToken.None);
        await PutAsync(1);
        await sink.ProcessAsync(CancellationToken.None);
        Assert.Equal(1, sink.Counter.ConnectionCreatedCount);

        client.FailNext(1);
        await PutAsync(1);
        await Assert.ThrowsAsync<EventDeliveryException>(async () => await sink.ProcessAsync(CancellationToken.None));
        Assert.Equal(1, sink.Counter.ConnectionClosedCount);
        Assert.Equal(2, sink.Counter.ConnectionFailedCount);

        await sink.ProcessAsync(CancellationToken.None);
        Assert.Equal(2, sink.Counter.ConnectionCreatedCount);
        await sink.StopAsync(CancellationToken.None);
        Assert.Equal(2, sink.Counter.ConnectionClosedCount);
        Assert.NotEqual(0, sink.Counter.StopTime);
    }
}

internal static class ChannelDrain
{
    /// <summary>Empties the channel, so each step of a test starts from a known state.</summary>
    public static async Task BeginTransactionAndDrainAsync(this IChannel channel)
    {
        using var tx = channel.BeginTransaction();
        while (tx.Take() is not null)
        {
        }

        await tx.CommitAsync(CancellationToken.None);
    }
}
