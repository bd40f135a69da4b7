using System.Text;
using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.Kafka;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Channels.Kafka;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Tests.Sinks;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Kafka;

public sealed class KafkaChannelTests : IAsyncDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start();
    private readonly List<KafkaChannel> _channels = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.StopAsync(CancellationToken.None);
        }

        _cluster.Dispose();
    }

    [Fact]
    public async Task Put_events_are_taken_with_their_headers_and_the_topic_holds_flume_avro_events()
    {
        _cluster.CreateTopic("ch");
        var channel = await StartChannelAsync(new() { ["kafka.topic"] = "ch" });
        await channel.PutAsync(
            FlumeEvent.FromText("e1", new Dictionary<string, string> { ["h"] = "1", ["key"] = "k" }),
            FlumeEvent.FromText("e2"));

        var taken = await TakeAsync(channel, 2, commit: true);

        Assert.Equal(["e1", "e2"], taken.Select(Body).Order(StringComparer.Ordinal));
        Assert.Equal("1", taken.Single(e => Body(e) == "e1").Headers["h"]);

        // kcat sees two records, the one with a key header keyed by it, each a Flume event our codec decodes.
        var keys = await Kcat.ConsumeAsync(_cluster.FirstBroker, "ch", "%k\n");
        Assert.Equal(["k"], keys);
        Assert.Equal(2, (await Kcat.ConsumeAsync(_cluster.FirstBroker, "ch", "%o\n")).Count);
    }

    [Fact]
    public async Task Rolled_back_take_is_taken_again_and_committed_take_is_not()
    {
        _cluster.CreateTopic("rb");
        var channel = await StartChannelAsync(new() { ["kafka.topic"] = "rb", ["defaultPartitionId"] = "0" });
        await channel.PutTextAsync("a", "b", "c");

        using (var transaction = channel.BeginTransaction())
        {
            Assert.Equal("a", Body(await TakeOneAsync(transaction)));
            Assert.Equal("b", Body(await TakeOneAsync(transaction)));
            transaction.Rollback();
        }

        var again = await TakeAsync(channel, 3, commit: true);
        Assert.Equal(["a", "b", "c"], again.Select(Body));

        using var empty = channel.BeginTransaction();
        Assert.Null(empty.Take());
        await empty.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_restarted_channel_of_the_same_group_takes_what_was_not_committed()
    {
        _cluster.CreateTopic("restart");
        var properties = new Dictionary<string, string> { ["kafka.topic"] = "restart", ["defaultPartitionId"] = "2" };
        var first = await StartChannelAsync(properties);
        await first.PutTextAsync("1", "2", "3", "4");
        Assert.Equal(["1", "2"], (await TakeAsync(first, 2, commit: true)).Select(Body));
        var uncommitted = first.BeginTransaction();
        Assert.Equal("3", Body(await TakeOneAsync(uncommitted)));
        await first.StopAsync(CancellationToken.None);
        _channels.Remove(first);

        var second = await StartChannelAsync(properties);
        Assert.Equal(["3", "4"], (await TakeAsync(second, 2, commit: true)).Select(Body));
    }

    [Fact]
    public async Task Flume_format_records_of_another_producer_are_taken_with_their_headers()
    {
        _cluster.CreateTopic("foreign");
        var schema = (RecordSchema)Schema.Parse(
            """{"type":"record","name":"AvroFlumeEvent","namespace":"org.apache.flume.source.avro","fields":[{"name":"headers","type":{"type":"map","values":"string"}},{"name":"body","type":"bytes"}]}""");
        var record = new GenericRecord(schema);
        record.Add("headers", new Dictionary<string, object> { ["host"] = "flume-agent" });
        record.Add("body", Encoding.UTF8.GetBytes("from java"));
        using var stream = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(stream));
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("foreign", new Message<Null, byte[]> { Value = stream.ToArray() });
        }

        var channel = await StartChannelAsync(new() { ["kafka.topic"] = "foreign" });
        var taken = Assert.Single(await TakeAsync(channel, 1, commit: true));
        Assert.Equal("from java", Body(taken));
        Assert.Equal("flume-agent", taken.Headers["host"]);
    }

    [Fact]
    public async Task Put_to_unreachable_brokers_fails_the_commit_with_a_channel_exception_naming_them()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        var channel = await StartChannelAsync(new() { ["kafka.producer.delivery.timeout.ms"] = "1500" }, $"127.0.0.1:{port}");
        using var transaction = channel.BeginTransaction();
        transaction.Put(FlumeEvent.FromText("x"));

        var error = await Assert.ThrowsAsync<ChannelException>(() => transaction.CommitAsync(CancellationToken.None).AsTask());
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 1 events were not acknowledged", error.Message, StringComparison.Ordinal);
        transaction.Rollback();
    }

    [Fact]
    public async Task Stop_with_every_broker_down_does_not_wait_for_records_of_a_put_that_never_committed()
    {
        using var closed = new ClosedPort();
        var channel = await StartChannelAsync([], $"127.0.0.1:{closed.Port}");
        for (var i = 0; i < 500 && !channel.ProducerBrokersDown; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(channel.ProducerBrokersDown, "librdkafka did not report the broker down");

        // The source's put, abandoned by its stop while the record waits in librdkafka for a broker.
        using var abandon = new CancellationTokenSource();
        using var transaction = channel.BeginTransaction();
        transaction.Put(FlumeEvent.FromText("x"));
        var commit = transaction.CommitAsync(abandon.Token).AsTask();
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        transaction.Rollback();

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await channel.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the stop waited {stopping.Elapsed} for a record no broker can take");
    }

    private static string Body(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    private static async Task<FlumeEvent> TakeOneAsync(IChannelTransaction transaction)
    {
        for (var i = 0; i < 160; i++)
        {
            if (transaction.Take() is { } taken)
            {
                return taken;
            }

            await Task.Yield();
        }

        throw new TimeoutException("nothing to take");
    }

    private static async Task<List<FlumeEvent>> TakeAsync(IChannel channel, int count, bool commit)
    {
        using var transaction = channel.BeginTransaction();
        var taken = new List<FlumeEvent>();
        while (taken.Count < count)
        {
            taken.Add(await TakeOneAsync(transaction));
        }

        if (commit)
        {
            await transaction.CommitAsync(CancellationToken.None);
        }

        return taken;
    }

    private async Task<KafkaChannel> StartChannelAsync(Dictionary<string, string> properties, string? servers = null)
    {
        properties["kafka.bootstrap.servers"] = servers ?? _cluster.BootstrapServers;
        properties.TryAdd("kafka.consumer.auto.offset.reset", "earliest");
        properties.TryAdd("pollTimeout", "250");
        properties.TryAdd("kafka.consumer.session.timeout.ms", "6000");
        properties.TryAdd("kafka.consumer.heartbeat.interval.ms", "500");
        var channel = new KafkaChannel(
            "c1", KafkaChannelOptions.From(new ComponentContext("c1", "a1.channels.c1.", properties)), TimeProvider.System, NullLogger<KafkaChannel>.Instance);
        await channel.StartAsync(CancellationToken.None);
        _channels.Add(channel);
        return channel;
    }
}
