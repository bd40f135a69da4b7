using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Metrics;

public sealed class ChannelMetricsTests
{
    private static MemoryChannel Channel(int capacity = 10) =>
        new("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static async Task PutAsync(IChannel channel, int count)
    {
        using var tx = channel.BeginTransaction();
        for (var i = 0; i < count; i++)
        {
            tx.Put(FlumeEvent.FromText($"e{i}"));
        }

        await tx.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Committed_puts_count_as_attempts_and_successes_and_set_the_size()
    {
        var channel = Channel();

        await PutAsync(channel, 3);

        var counter = channel.Counter;
        Assert.Equal(3, counter.EventPutAttemptCount);
        Assert.Equal(3, counter.EventPutSuccessCount);
        Assert.Equal(3, counter.ChannelSize);
        Assert.Equal(10, counter.ChannelCapacity);
        Assert.Equal(30.0, counter.ChannelFillPercentage);
    }

    [Fact]
    public void Rolled_back_puts_are_attempts_only()
    {
        var channel = Channel();
        using (var tx = channel.BeginTransaction())
        {
            tx.Put(FlumeEvent.FromText("a"));
            tx.Put(FlumeEvent.FromText("b"));
            tx.Rollback();
        }

        Assert.Equal(2, channel.Counter.EventPutAttemptCount);
        Assert.Equal(0, channel.Counter.EventPutSuccessCount);
        Assert.Equal(0, channel.Counter.ChannelSize);
    }

    [Fact]
    public async Task Every_take_call_is_an_attempt_even_on_an_empty_channel_and_only_committed_takes_succeed()
    {
        var channel = Channel();
        await PutAsync(channel, 2);

        using (var rolledBack = channel.BeginTransaction())
        {
            Assert.NotNull(rolledBack.Take());
            rolledBack.Rollback();
        }

        using (var committed = channel.BeginTransaction())
        {
            Assert.NotNull(committed.Take());
            Assert.NotNull(committed.Take());
            Assert.Null(committed.Take());
            await committed.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(4, channel.Counter.EventTakeAttemptCount);
        Assert.Equal(2, channel.Counter.EventTakeSuccessCount);
        Assert.Equal(0, channel.Counter.ChannelSize);
    }

    [Fact]
    public async Task A_commit_refused_by_a_full_channel_counts_attempts_but_no_success()
    {
        var channel = Channel(capacity: 2);
        await PutAsync(channel, 2);

        await Assert.ThrowsAsync<ChannelFullException>(() => PutAsync(channel, 1));

        Assert.Equal(3, channel.Counter.EventPutAttemptCount);
        Assert.Equal(2, channel.Counter.EventPutSuccessCount);
        Assert.Equal(100.0, channel.Counter.ChannelFillPercentage);
    }

    [Fact]
    public async Task Start_and_stop_times_are_recorded_from_the_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_344_882_209_413));
        var channel = new MemoryChannel("c1", new MemoryChannelOptions(), clock, NullLogger<MemoryChannel>.Instance);
        Assert.Equal(0, channel.Counter.StartTime);

        await channel.StartAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, channel.Counter.StopTime);
        await channel.StopAsync(CancellationToken.None);

        Assert.Equal(1_344_882_209_413, channel.Counter.StartTime);
        Assert.Equal(1_344_882_214_413, channel.Counter.StopTime);
    }
}
