using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources.Kafka;
using Flume.Logging.Testing.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Kafka;

public sealed class KafkaSourceTests : IAsyncDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start();
    private readonly List<KafkaSource> _sources = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.StopAsync(CancellationToken.None);
            await source.DisposeAsync();
        }

        _cluster.Dispose();
    }

    [Fact]
    public async Task Records_kcat_writes_become_events_with_flume_headers_and_mapped_kafka_headers()
    {
        _cluster.CreateTopic("in");
        await Kcat.ProduceAsync(_cluster.FirstBroker, "in", ["k1:hello", "k2:world"], ':', "trace=abc");
        var channel = NewChannel(100);
        await StartSourceAsync(channel, new() { ["kafka.topics"] = "in", ["header.traceId"] = "trace", ["timestampHeader"] = "kafkaTime" });

        var events = await TakeAsync(channel, 2);

        var hello = events.Single(e => Body(e) == "hello");
        Assert.Equal("k1", hello.Headers["key"]);
        Assert.Equal("in", hello.Headers["topic"]);
        Assert.Equal("abc", hello.Headers["traceId"]);
        Assert.True(int.Parse(hello.Headers["partition"], System.Globalization.CultureInfo.InvariantCulture) is >= 0 and < 4);
        Assert.Equal("0", hello.Headers["offset"]);
        Assert.True(long.Parse(hello.Headers["timestamp"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(hello.Headers["kafkaTime"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Offsets_are_committed_after_the_channel_so_a_restarted_source_reads_only_new_records()
    {
        var partitions = _cluster.CreateTopic("resume");
        await Kcat.ProduceAsync(_cluster.FirstBroker, "resume", ["1", "2", "3"]);
        var channel = NewChannel(100);
        var properties = new Dictionary<string, string> { ["kafka.topics"] = "resume" };
        var first = await StartSourceAsync(channel, properties);
        Assert.Equal(["1", "2", "3"], (await TakeAsync(channel, 3)).Select(Body).Order(StringComparer.Ordinal));
        await first.StopAsync(CancellationToken.None);

        await Kcat.ProduceAsync(_cluster.FirstBroker, "resume", ["4"]);
        await StartSourceAsync(channel, properties);
        Assert.Equal(["4"], (await TakeAsync(channel, 1)).Select(Body));

        // A marker behind everything in each partition: once all are in, a record the restarted source were to read
        // again from before its committed offsets would be in too (records of a partition arrive in order).
        string[] markers = [.. Enumerable.Range(0, partitions).Select(p => $"marker-{p}")];
        for (var p = 0; p < partitions; p++)
        {
            await Kcat.ProduceToPartitionAsync(_cluster.FirstBroker, "resume", p, [markers[p]]);
        }

        Assert.Equal(markers, (await TakeAsync(channel, partitions)).Select(Body).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_batch_the_channel_refuses_is_read_again_until_it_fits()
    {
        _cluster.CreateTopic("full");
        await Kcat.ProduceAsync(_cluster.FirstBroker, "full", [.. Enumerable.Range(0, 6).Select(i => $"r{i}")]);
        var channel = NewChannel(4);
        await StartSourceAsync(channel, new() { ["kafka.topics"] = "full", ["batchSize"] = "3" });

        var taken = new List<string>();
        for (var i = 0; i < 200 && taken.Count < 6; i++)
        {
            taken.AddRange((await TakeAsync(channel, 0)).Select(Body));
            await Task.Delay(50);
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"r{i}").Order(StringComparer.Ordinal), taken.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Source_with_only_zookeeperConnect_is_refused_naming_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => KafkaSourceOptions.From(new ComponentContext("r1", "a1.sources.r1.", new Dictionary<string, string>
        {
            ["zookeeperConnect"] = "zk:2181",
            ["topic"] = "t",
        })));
        Assert.Contains("a1.sources.r1.zookeeperConnect is no longer supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deprecated_topic_and_groupId_are_read_as_kafka_topics_and_group_id()
    {
        var options = KafkaSourceOptions.From(new ComponentContext("r1", "a1.sources.r1.", new Dictionary<string, string>
        {
            ["kafka.bootstrap.servers"] = "127.0.0.1:9092",
            ["topic"] = "old-topic",
            ["groupId"] = "old-group",
        }));
        Assert.Equal(["old-topic"], options.Subscription);
        Assert.Equal("old-group", options.Consumer["group.id"]);
        Assert.Equal(2, options.Warnings.Count);
    }

    private static MemoryChannel NewChannel(int capacity) => new(
        "c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static string Body(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    /// <summary>Takes <paramref name="count"/> events (waiting up to 30 s), or whatever is there when count is 0.</summary>
    private static async Task<List<FlumeEvent>> TakeAsync(MemoryChannel channel, int count)
    {
        var taken = new List<FlumeEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            // At most a transaction's worth: one take more than that fails, even when the channel has no more.
            using var transaction = channel.BeginTransaction();
            transaction.TakeBatch(taken, channel.Capacity);

            await transaction.CommitAsync(CancellationToken.None);
            if (taken.Count < count)
            {
                await Task.Delay(50);
            }
        }
        while (taken.Count < count && DateTime.UtcNow < deadline);

        Assert.True(taken.Count >= count, $"took {taken.Count} of {count} events");
        return taken;
    }

    private async Task<KafkaSource> StartSourceAsync(MemoryChannel channel, Dictionary<string, string> properties)
    {
        properties["kafka.bootstrap.servers"] = _cluster.BootstrapServers;
        properties.TryAdd("kafka.consumer.auto.offset.reset", "earliest");
        properties.TryAdd("kafka.consumer.session.timeout.ms", "6000");
        properties.TryAdd("kafka.consumer.heartbeat.interval.ms", "500");
        properties.TryAdd("batchDurationMillis", "200");
        properties.TryAdd("backoffSleepIncrement", "100");
        properties.TryAdd("maxBackoffSleep", "200");
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);
        var source = new KafkaSource(
            "r1", KafkaSourceOptions.From(new ComponentContext("r1", "a1.sources.r1.", properties)), processor, TimeProvider.System, NullLogger<KafkaSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        _sources.Add(source);
        return source;
    }
}
