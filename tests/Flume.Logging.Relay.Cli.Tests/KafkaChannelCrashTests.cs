using System.Collections.Concurrent;
using System.Text;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Kafka;
using Xunit.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// A relay (avro -> Kafka channel -> avro sink) under load is killed with SIGKILL ten times; every event it
/// acknowledged must reach the receiver, since the channel's events live in Kafka (here librdkafka's mock cluster,
/// held by the test process) and a take's offsets are committed only after the sink delivered it.
/// </summary>
public sealed class KafkaChannelCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 10;
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start();

    public void Dispose() => _cluster.Dispose();

    private string Config(int receiverPort) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = org.apache.flume.channel.kafka.KafkaChannel
        a1.channels.c1.kafka.bootstrap.servers = {_cluster.BootstrapServers}
        a1.channels.c1.kafka.topic = crash-channel
        a1.channels.c1.pollTimeout = 200
        a1.channels.c1.kafka.consumer.auto.offset.reset = earliest
        # A restarted relay takes its killed self's place in the group at once instead of after a session timeout.
        a1.channels.c1.kafka.consumer.group.instance.id = relay-1
        a1.channels.c1.kafka.consumer.session.timeout.ms = 6000
        a1.channels.c1.kafka.consumer.heartbeat.interval.ms = 500
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {receiverPort}
        a1.sinks.k1.batch-size = 100
        a1.sinks.k1.connect-timeout = 1000
        a1.sinks.k1.request-timeout = 3000
        """;

    [Fact]
    public async Task Every_acknowledged_event_arrives_across_ten_kills()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        _cluster.CreateTopic("crash-channel");
        var received = new RecordingReceiver();
        await using var receiver = await received.ServeAvroAsync();
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var next = 0;
        var config = Config(receiver.LocalEndPoint.Port);
        for (var kill = 0; kill < Kills; kill++)
        {
            using var relay = await RelayProcess.StartRunningAsync(config);
            await AcknowledgedSender.SendThenKillAsync(relay, await relay.ListeningPortAsync("r1"), acknowledged, () => Interlocked.Increment(ref next), TimeSpan.FromMilliseconds(random.Next(200, 800)));
        }

        using var last = await RelayProcess.StartRunningAsync(config);
        var arrived = await AcknowledgedSender.WaitUntilAllArrivedAsync(received, acknowledged, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await last.StopAsync());

        var bodies = received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();
        var duplicates = bodies.GroupBy(b => b, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        output.WriteLine(
            $"acknowledged {acknowledged.Count}, delivered {bodies.Count} ({arrived.Count} distinct, {duplicates.Count} of them more than once), missing 0");
        output.WriteLine($"duplicates: {string.Join(", ", duplicates.Take(50))}{(duplicates.Count > 50 ? " ..." : "")}");
        Assert.True(acknowledged.Count > 1000, $"the load was too small to prove anything: {acknowledged.Count} events");
    }
}
