using Flume.Logging.FileChannel;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using static Flume.Logging.Relay.Tests.Channels.ChannelTestOps;

namespace Flume.Logging.Relay.Tests.Channels;

public sealed class SpillableMemoryChannelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spillable-").FullName;

    public void Dispose() => TempFolder.Delete(_directory);

    private SpillableMemoryChannel Create(
        int memoryCapacity, int overflowCapacity = 1000, long? byteCapacity = null, int avgEventSize = 500, ILoggerFactory? loggerFactory = null)
    {
        var overflow = new FileChannelOptions
        {
            CheckpointDir = Path.Combine(_directory, "checkpoint"),
            Capacity = Math.Max(1, overflowCapacity),
            TransactionCapacity = Math.Min(100, Math.Max(1, overflowCapacity)),
            KeepAlive = TimeSpan.Zero,
            MinimumRequiredSpace = 0,
        };
        overflow.DataDirs.Add(Path.Combine(_directory, "data"));
        return new SpillableMemoryChannel("c1", new SpillableMemoryChannelOptions
        {
            MemoryCapacity = memoryCapacity,
            OverflowCapacity = overflowCapacity,
            OverflowTimeout = TimeSpan.Zero,
            ByteCapacity = byteCapacity,
            ByteCapacityBufferPercentage = 0,
            AvgEventSize = avgEventSize,
            TransactionCapacity = 100,
            Overflow = overflow,
        }, TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance);
    }

    private static async Task<SpillableMemoryChannel> StartedAsync(SpillableMemoryChannel channel)
    {
        await channel.StartAsync(CancellationToken.None);
        return channel;
    }

    [Fact]
    public async Task A_put_that_does_not_fit_in_memory_spills_whole_to_disk_and_takes_keep_commit_order()
    {
        await using var channel = await StartedAsync(Create(memoryCapacity: 2));
        await PutAsync(channel, "a", "b");
        await PutAsync(channel, "c", "d");
        Assert.Equal((2, 2), (channel.MemorySize, channel.OverflowSize));

        Assert.Equal(["a"], await TakeAllAsync(channel, 1));

        // Memory has room again: this put stays in memory, yet drains after the spilled c and d.
        await PutAsync(channel, "e");
        Assert.Equal((2, 2), (channel.MemorySize, channel.OverflowSize));
        Assert.Equal(["b", "c", "d", "e"], await TakeAllAsync(channel));
        Assert.Equal((0, 0), (channel.MemorySize, channel.OverflowSize));
    }

    [Fact]
    public async Task Rolled_back_takes_from_both_stores_return_in_their_order()
    {
        await using var channel = await StartedAsync(Create(memoryCapacity: 1));
        await PutAsync(channel, "a");
        await PutAsync(channel, "b");
        await PutAsync(channel, "c");
        using (var tx = channel.BeginTransaction())
        {
            Assert.Equal("a", Text(tx.Take()));
            Assert.Equal("b", Text(tx.Take()));
            tx.Rollback();
        }

        Assert.Equal(["a", "b", "c"], await TakeAllAsync(channel));
    }

    [Fact]
    public async Task A_transaction_cannot_mix_puts_and_takes_as_in_flume()
    {
        await using var channel = await StartedAsync(Create(memoryCapacity: 10));
        await PutAsync(channel, "a");
        using var tx = channel.BeginTransaction();
        Assert.Equal("a", Text(tx.Take()));
        Assert.Throws<ChannelException>(() => tx.Put(FlumeEvent.FromText("b")));
    }

    [Fact]
    public async Task Without_overflow_a_full_memory_refuses_the_put()
    {
        await using var channel = await StartedAsync(Create(memoryCapacity: 2, overflowCapacity: 0));
        await PutAsync(channel, "a", "b");
        var full = await Assert.ThrowsAsync<ChannelFullException>(() => PutAsync(channel, "c"));
        Assert.Contains("overflow is disabled", full.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "data")), "overflowCapacity 0 must not open a file channel");
    }

    [Fact]
    public async Task Byte_capacity_counted_in_avgEventSize_units_sends_large_bodies_to_overflow()
    {
        await using var channel = await StartedAsync(Create(memoryCapacity: 100, byteCapacity: 20, avgEventSize: 10));
        await PutAsync(channel, "0123456789");
        await PutAsync(channel, "0123456789ab");
        Assert.Equal((1, 1), (channel.MemorySize, channel.OverflowSize));
    }

    [Fact]
    public async Task Stop_then_dispose_warns_once_of_the_events_in_memory_and_names_those_kept_on_disk()
    {
        var logs = new CapturingLoggerFactory();
        var channel = await StartedAsync(Create(memoryCapacity: 1, loggerFactory: logs));
        await PutAsync(channel, "in memory");
        await PutAsync(channel, "spilled 1", "spilled 2");

        await channel.StopAsync(CancellationToken.None);
        await channel.DisposeAsync();

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(
            "channel c1 stopped holding 1 events in memory, which a spillable memory channel does not keep across " +
            "restarts; 2 events stay in its overflow on disk",
            warning.Message);
        Assert.DoesNotContain(logs.Entries, e => e.Category.EndsWith(".MemoryChannel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_overflowed_events_survive_a_restart_and_drain_first()
    {
        var channel = await StartedAsync(Create(memoryCapacity: 1));
        await PutAsync(channel, "in memory");
        await PutAsync(channel, "spilled 1", "spilled 2");
        await channel.StopAsync(CancellationToken.None);

        await using var restarted = await StartedAsync(Create(memoryCapacity: 1));
        await PutAsync(restarted, "new");
        Assert.Equal(["spilled 1", "spilled 2", "new"], await TakeAllAsync(restarted));
    }

    [Fact]
    public async Task Memory_capacity_zero_is_a_file_channel()
    {
        var channel = await StartedAsync(Create(memoryCapacity: 0));
        await PutAsync(channel, "a", "b");
        Assert.Equal((0, 2), (channel.MemorySize, channel.OverflowSize));
        await channel.StopAsync(CancellationToken.None);

        await using var restarted = await StartedAsync(Create(memoryCapacity: 0));
        Assert.Equal(["a", "b"], await TakeAllAsync(restarted));
    }

    [Theory]
    [InlineData("capacity", "10", "a1.channels.c1.capacity")]
    [InlineData("keep-alive", "3", "a1.channels.c1.keep-alive")]
    [InlineData("memoryCapacity", "-1", "a1.channels.c1.memoryCapacity")]
    [InlineData("overflowCapacity", "0", "a1.channels.c1.memoryCapacity")]
    public void Properties_flume_does_not_take_are_refused_naming_the_key(string key, string value, string named)
    {
        var properties = new Dictionary<string, string> { [key] = value };
        if (key == "overflowCapacity")
        {
            properties["memoryCapacity"] = "0";
        }

        var error = Assert.Throws<ConfigurationException>(() => SpillableMemoryChannelOptions.From(new ComponentContext("c1", "a1.channels.c1.", properties)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_flumes()
    {
        var options = SpillableMemoryChannelOptions.From(new ComponentContext("c1", "a1.channels.c1.", new Dictionary<string, string>()));
        Assert.Equal((10_000, 100_000_000, TimeSpan.FromSeconds(3), 20, 500), (options.MemoryCapacity, options.OverflowCapacity, options.OverflowTimeout, options.ByteCapacityBufferPercentage, options.AvgEventSize));
        Assert.Equal((100_000_000, TimeSpan.Zero), (options.Overflow.Capacity, options.Overflow.KeepAlive));
    }
}
