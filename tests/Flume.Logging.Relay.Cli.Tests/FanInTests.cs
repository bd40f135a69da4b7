using System.Globalization;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// Flume's consolidation flow with real processes: three relays (avro -> memory -> avro sink) feeding one collector
/// relay (avro -> memory -> file_roll), which rolls every second while the events arrive.
/// </summary>
public sealed class FanInTests
{
    private const int Relays = 3;
    private const int EventsPerRelay = 400;

    private static string Forwarder(int collector) => $"""
        {RelayConfigs.AvroSource()}
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {collector}
        a1.sinks.k1.batch-size = 30
        """;

    private static string Collector(string directory) => $"""
        c1.sources = r1
        c1.channels = m1
        c1.sinks = k1
        c1.sources.r1.type = avro
        c1.sources.r1.bind = 127.0.0.1
        c1.sources.r1.port = 0
        c1.sources.r1.channels = m1
        c1.channels.m1.type = memory
        c1.channels.m1.capacity = 10000
        c1.channels.m1.transactionCapacity = 1000
        c1.sinks.k1.type = file_roll
        c1.sinks.k1.channel = m1
        c1.sinks.k1.sink.directory = {directory}
        c1.sinks.k1.sink.rollInterval = 1
        c1.sinks.k1.sink.pathManager.prefix = fanin-
        c1.sinks.k1.sink.pathManager.extension = log
        c1.sinks.k1.sink.batchSize = 50
        """;

    private static List<string> CollectedLines(string directory)
    {
        var lines = new List<string>();
        foreach (var file in Directory.GetFiles(directory, "fanin-*.log"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    [Fact]
    public async Task Every_event_sent_to_three_relays_lands_exactly_once_in_the_collectors_rolled_files()
    {
        var directory = Directory.CreateTempSubdirectory("fan-in-").FullName;
        var relays = new List<RelayProcess>();
        try
        {
            var collector = await RelayProcess.StartRunningAsync(Collector(directory), "c1");
            relays.Add(collector);
            var collectorPort = await collector.ListeningPortAsync("r1");
            var ports = new int[Relays];
            for (var r = 0; r < Relays; r++)
            {
                var relay = await RelayProcess.StartRunningAsync(Forwarder(collectorPort));
                relays.Add(relay);
                ports[r] = await relay.ListeningPortAsync("r1");
            }

            await Task.WhenAll(Enumerable.Range(0, Relays).Select(r => SendAsync(ports[r], r)));
            await Eventually.TrueAsync(
                () => CollectedLines(directory).Count >= Relays * EventsPerRelay,
                $"{Relays * EventsPerRelay} events in the collector's files",
                TimeSpan.FromSeconds(60));

            for (var r = 1; r <= Relays; r++)
            {
                Assert.Equal(0, await relays[r].StopAsync());
            }

            Assert.Equal(0, await collector.StopAsync());

            var lines = CollectedLines(directory);
            var expected = Enumerable.Range(0, Relays)
                .SelectMany(r => Enumerable.Range(0, EventsPerRelay).Select(i => EventText(r, i)))
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, lines.Order(StringComparer.Ordinal));
            Assert.True(
                Directory.GetFiles(directory, "fanin-*.log").Length > 1,
                "the collector rolled at least once while the events arrived");
        }
        finally
        {
            foreach (var relay in relays)
            {
                relay.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static string EventText(int relay, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"relay-{relay}-event-{index:D5}");

    /// <summary>Sends the relay's events in small batches spread over about two seconds, so the collector rolls meanwhile.</summary>
    private static async Task SendAsync(int port, int relay)
    {
        var options = new RpcClientOptions { BatchSize = 20 };
        options.Hosts.Add(new RpcHost("h", "127.0.0.1", port));
        await using var client = AvroRpc.CreateClient(options.Hosts[0], options, NullLoggerFactory.Instance);
        for (var start = 0; start < EventsPerRelay; start += 20)
        {
            var batch = new List<FlumeEvent>(20);
            for (var i = start; i < start + 20; i++)
            {
                batch.Add(FlumeEvent.FromText(EventText(relay, i)));
            }

            await client.AppendBatchAsync(batch);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
