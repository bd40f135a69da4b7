using System.Globalization;
using System.Text;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Kafka;
using Xunit.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// Two relays read one topic as one consumer group (Kafka source -> memory channel -> avro sink); one is killed
/// with SIGKILL while kcat keeps writing. Its partitions move to the other relay, which reads them from the last
/// committed offset: no record is lost.
/// </summary>
public sealed class KafkaSourceFailoverTests(ITestOutputHelper output) : IDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start();

    public void Dispose() => _cluster.Dispose();

    private string Config(int receiverPort) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = org.apache.flume.source.kafka.KafkaSource
        a1.sources.r1.channels = c1
        a1.sources.r1.kafka.bootstrap.servers = {_cluster.BootstrapServers}
        a1.sources.r1.kafka.topics = failover
        a1.sources.r1.kafka.consumer.group.id = relays
        a1.sources.r1.kafka.consumer.auto.offset.reset = earliest
        a1.sources.r1.kafka.consumer.session.timeout.ms = 6000
        a1.sources.r1.kafka.consumer.heartbeat.interval.ms = 500
        a1.sources.r1.batchSize = 100
        a1.sources.r1.batchDurationMillis = 100
        a1.sources.r1.backoffSleepIncrement = 100
        a1.sources.r1.maxBackoffSleep = 200
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {receiverPort}
        a1.sinks.k1.batch-size = 100
        """;

    [Fact]
    public async Task Killing_one_of_two_relays_in_a_consumer_group_loses_no_record()
    {
        Assert.Equal(4, _cluster.CreateTopic("failover"));
        var received = new RecordingReceiver();
        await using var receiver = await received.ServeAvroAsync();
        var config = Config(receiver.LocalEndPoint.Port);
        using var survivor = await RelayProcess.StartRunningAsync(config);
        using var victim = await RelayProcess.StartRunningAsync(config);

        const int Chunks = 10;
        const int PerChunk = 300;
        for (var chunk = 0; chunk < Chunks; chunk++)
        {
            await Kcat.ProduceAsync(
                _cluster.FirstBroker,
                "failover",
                Enumerable.Range(chunk * PerChunk, PerChunk).Select(i => $"rec-{i.ToString("D6", CultureInfo.InvariantCulture)}"));
            if (chunk == 4)
            {
                victim.Process.Kill();
            }

            await Task.Delay(200);
        }

        var expected = Enumerable.Range(0, Chunks * PerChunk).Select(i => $"rec-{i.ToString("D6", CultureInfo.InvariantCulture)}").ToHashSet();
        var arrived = new HashSet<string>();
        await Eventually.TrueAsync(
            () =>
            {
                arrived.UnionWith(received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
                return expected.IsSubsetOf(arrived);
            },
            "every record at the receiver",
            TimeSpan.FromSeconds(30));
        Assert.Equal(0, await survivor.StopAsync());

        var bodies = received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();
        var duplicates = bodies.GroupBy(b => b, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        output.WriteLine($"written {expected.Count}, delivered {bodies.Count} ({arrived.Count} distinct, {duplicates.Count} more than once), missing 0");
        output.WriteLine($"duplicates: {string.Join(", ", duplicates.Take(50))}{(duplicates.Count > 50 ? " ..." : "")}");
    }
}
