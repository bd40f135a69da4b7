using System.Text;
using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.Kafka;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Kafka;
using Flume.Logging.Relay.Tests.Sinks;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Kafka;

public sealed class KafkaSinkTests : IDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start();
    private readonly MemoryChannel _channel = new(
        "c1", new MemoryChannelOptions { Capacity = 1000, TransactionCapacity = 1000 }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Sink_writes_bodies_keys_partitions_and_mapped_headers_that_kcat_reads()
    {
        _cluster.CreateTopic("logs");
        _cluster.CreateTopic("audit");
        await _channel.PutAsync(
            FlumeEvent.FromText("one", new Dictionary<string, string> { ["key"] = "k1", ["host"] = "web1" }),
            FlumeEvent.FromText("two", new Dictionary<string, string> { ["part"] = "3" }),
            FlumeEvent.FromText("three", new Dictionary<string, string> { ["topic"] = "audit" }));
        var sink = CreateSink(new()
        {
            ["kafka.topic"] = "logs",
            ["header.host"] = "origin-host",
            ["partitionIdHeader"] = "part",
            ["defaultPartitionId"] = "1",
        });
        await sink.StartAsync(CancellationToken.None);

        Assert.Equal(Relay.Sinks.SinkStatus.Ready, await sink.ProcessAsync(CancellationToken.None));
        await sink.StopAsync(CancellationToken.None);

        var logs = await Kcat.ConsumeAsync(_cluster.FirstBroker, "logs", "%k|%p|%h|%s\n");
        Assert.Equal(["k1|1|origin-host=web1|one", "|3||two"], logs.Order(StringComparer.Ordinal));
        Assert.Equal(["three"], await Kcat.ConsumeAsync(_cluster.FirstBroker, "audit", "%s\n"));
        Assert.Equal(0, _channel.Size);
    }

    [Fact]
    public async Task Sink_in_flume_event_format_writes_avro_flume_events_that_apache_avro_decodes()
    {
        _cluster.CreateTopic("avro");
        await _channel.PutAsync(FlumeEvent.FromText("body ü", new Dictionary<string, string> { ["h1"] = "v1", ["h2"] = "" }));
        var sink = CreateSink(new() { ["kafka.topic"] = "avro", ["useFlumeEventFormat"] = "true" });
        await sink.StartAsync(CancellationToken.None);
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        var value = ReadOne("avro");
        var schema = (RecordSchema)Schema.Parse(
            """{"type":"record","name":"AvroFlumeEvent","namespace":"org.apache.flume.source.avro","fields":[{"name":"headers","type":{"type":"map","values":"string"}},{"name":"body","type":"bytes"}]}""");
        var datum = new GenericDatumReader<GenericRecord>(schema, schema).Read(null!, new BinaryDecoder(new MemoryStream(value)));
        var headers = (IDictionary<string, object>)datum["headers"];
        Assert.Equal("v1", headers["h1"]);
        Assert.Equal("", headers["h2"]);
        Assert.Equal("body ü", Encoding.UTF8.GetString((byte[])datum["body"]));
    }

    [Fact]
    public async Task Sink_with_unreachable_brokers_rolls_the_take_back_and_names_brokers_and_error()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        await _channel.PutTextAsync("a", "b");
        var sink = CreateSink(new() { ["kafka.producer.delivery.timeout.ms"] = "1500" }, servers: $"127.0.0.1:{port}");
        await sink.StartAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());
        await sink.StopAsync(CancellationToken.None);

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 of 2 records were not acknowledged", error.Message, StringComparison.Ordinal);
        Assert.Contains("timed out", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, _channel.Size);
    }

    [Fact]
    public async Task Sink_reads_flume_deprecated_names_brokerList_topic_batchSize_and_reports_them()
    {
        _cluster.CreateTopic("old");
        await _channel.PutTextAsync("a", "b", "c");
        var options = KafkaSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string>
        {
            ["brokerList"] = _cluster.BootstrapServers,
            ["topic"] = "old",
            ["batchSize"] = "2",
            ["requiredAcks"] = "-1",
        }));
        Assert.Equal(2, options.BatchSize);
        Assert.Equal("-1", options.Producer["acks"]);
        Assert.Equal(4, options.Warnings.Count);
        var sink = new KafkaSink("k1", _channel, options, null, TimeProvider.System, NullLogger<KafkaSink>.Instance);
        await sink.StartAsync(CancellationToken.None);
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal(2, (await Kcat.ConsumeAsync(_cluster.FirstBroker, "old", "%s\n")).Count);
        Assert.Equal(1, _channel.Size);
    }

    [Fact]
    public void Sink_without_brokers_is_refused_naming_the_property()
    {
        var error = Assert.Throws<ConfigurationException>(() => KafkaSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string>())));
        Assert.Contains("a1.sinks.k1.kafka.bootstrap.servers is required", error.Message, StringComparison.Ordinal);
    }

    private KafkaSink CreateSink(Dictionary<string, string> properties, string? servers = null)
    {
        properties["kafka.bootstrap.servers"] = servers ?? _cluster.BootstrapServers;
        var options = KafkaSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", properties));
        return new KafkaSink("k1", _channel, options, null, TimeProvider.System, NullLogger<KafkaSink>.Instance);
    }

    private byte[] ReadOne(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "test-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                return result.Message.Value;
            }
        }

        throw new TimeoutException($"no record on {topic}");
    }
}
