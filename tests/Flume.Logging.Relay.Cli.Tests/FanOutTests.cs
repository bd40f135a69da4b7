using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>Real relays fanning one source out to several channels, replicating and multiplexing.</summary>
public sealed class FanOutTests
{
    private static string Sink(string name, string channel, int port) => $"""
        a1.sinks.{name}.type = avro
        a1.sinks.{name}.channel = {channel}
        a1.sinks.{name}.hostname = 127.0.0.1
        a1.sinks.{name}.port = {port}
        a1.sinks.{name}.batch-size = 10
        a1.sinks.{name}.connect-timeout = 1000
        a1.sinks.{name}.request-timeout = 3000
        """;

    [Fact]
    public async Task An_optional_channel_whose_sink_is_dead_fills_up_without_failing_the_source()
    {
        using var dead = new ClosedPort();
        var received = new RecordingReceiver();
        await using var receiver = await SinkGroupTests.StartReceiverAsync(0, received);
        using var relay = await RelayProcess.StartRunningAsync($"""
            a1.sources = r1
            a1.channels = c1 c2
            a1.sinks = k1 k2
            a1.sources.r1.type = avro
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 0
            a1.sources.r1.channels = c1 c2
            a1.sources.r1.selector.type = replicating
            a1.sources.r1.selector.optional = c2
            a1.channels.c1.type = memory
            a1.channels.c1.capacity = 10000
            a1.channels.c1.transactionCapacity = 1000
            a1.channels.c2.type = memory
            a1.channels.c2.capacity = 20
            a1.channels.c2.transactionCapacity = 10
            a1.channels.c2.keep-alive = 0
            {Sink("k1", "c1", receiver.LocalEndPoint.Port)}
            {Sink("k2", "c2", dead.Port)}
            """);
        await using var client = SinkGroupTests.Client(await relay.ListeningPortAsync("r1"));

        // Every batch is acknowledged: a throw here would be the optional channel failing the source. (keep-alive 0:
        // otherwise each put into the full c2 waits its 3 s for space first, as in Flume.)
        for (var batch = 0; batch < 30; batch++)
        {
            await client.AppendBatchAsync(SinkGroupTests.Events(batch * 10, 10), CancellationToken.None);
        }

        await Eventually.TrueAsync(() => SinkGroupTests.Ids(received).Count == 300, "all 300 events at the receiver");
        Assert.Equal(Enumerable.Range(0, 300), SinkGroupTests.Ids(received).Order());
        await relay.Process.WaitForLineAsync("optional channel c2 could not take 10 events");
        await relay.Process.WaitForLineAsync("sink k2 failed, backing off");
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task A_multiplexing_selector_routes_by_header_with_unmapped_and_missing_values_to_the_default()
    {
        var atA = new RecordingReceiver();
        var atB = new RecordingReceiver();
        await using var serverA = await SinkGroupTests.StartReceiverAsync(0, atA);
        await using var serverB = await SinkGroupTests.StartReceiverAsync(0, atB);
        using var relay = await RelayProcess.StartRunningAsync($"""
            a1.sources = r1
            a1.channels = c1 c2
            a1.sinks = k1 k2
            a1.sources.r1.type = avro
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 0
            a1.sources.r1.channels = c1 c2
            a1.sources.r1.selector.type = multiplexing
            a1.sources.r1.selector.header = state
            a1.sources.r1.selector.mapping.CZ = c1
            a1.sources.r1.selector.mapping.US = c1 c2
            a1.sources.r1.selector.default = c2
            a1.channels.c1.type = memory
            a1.channels.c2.type = memory
            {Sink("k1", "c1", serverA.LocalEndPoint.Port)}
            {Sink("k2", "c2", serverB.LocalEndPoint.Port)}
            """);
        await using var client = SinkGroupTests.Client(await relay.ListeningPortAsync("r1"));

        await client.AppendBatchAsync(SinkGroupTests.Events(0, 10, new Dictionary<string, string> { ["state"] = "CZ" }), CancellationToken.None);
        await client.AppendBatchAsync(SinkGroupTests.Events(10, 10, new Dictionary<string, string> { ["state"] = "US" }), CancellationToken.None);
        await client.AppendBatchAsync(SinkGroupTests.Events(20, 10, new Dictionary<string, string> { ["state"] = "FR" }), CancellationToken.None);
        await client.AppendBatchAsync(SinkGroupTests.Events(30, 10), CancellationToken.None);

        await Eventually.TrueAsync(() => atA.Events.Count == 20 && atB.Events.Count == 30, "20 events at A and 30 at B");
        Assert.Equal(Enumerable.Range(0, 20), SinkGroupTests.Ids(atA).Order());
        Assert.Equal(Enumerable.Range(10, 30), SinkGroupTests.Ids(atB).Order());
        Assert.Equal(0, await relay.StopAsync());
    }
}
