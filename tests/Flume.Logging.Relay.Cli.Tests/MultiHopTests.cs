using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>Relay A (avro -> memory -> avro sink) forwarding to relay B (avro -> memory -> logger).</summary>
public sealed class MultiHopTests
{
    private static string Forwarder(int nextHop) => $"""
        {RelayConfigs.AvroSource()}
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {nextHop}
        a1.sinks.k1.batch-size = 20
        a1.sinks.k1.connect-timeout = 2000
        a1.sinks.k1.request-timeout = 5000
        """;

    private static string Collector(int port) => $"""
        b1.sources = r1
        b1.channels = c1
        b1.sinks = k1
        b1.sources.r1.type = avro
        b1.sources.r1.bind = 127.0.0.1
        b1.sources.r1.port = {port}
        b1.sources.r1.channels = c1
        b1.channels.c1.type = memory
        b1.channels.c1.capacity = 10000
        b1.channels.c1.transactionCapacity = 1000
        b1.sinks.k1.type = logger
        b1.sinks.k1.channel = c1
        b1.sinks.k1.maxBytesToLog = 64
        """;

    private static async Task SendAsync(IRpcClient client, int from, int count)
    {
        var events = Enumerable.Range(from, count)
            .Select(i => FlumeEvent.FromText($"hop-event-{i:D4}", new Dictionary<string, string> { ["seq"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToList();
        await client.AppendBatchAsync(events);
    }

    private static Task AllArrivedAsync(PeerProcess collector, int from, int count) =>
        Eventually.TrueAsync(
            () => Enumerable.Range(from, count).All(i => collector.CountLines($"hop-event-{i:D4}") > 0),
            $"events {from}..{from + count - 1} at the collector",
            TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Events_wait_in_the_first_hop_while_the_second_is_down_and_arrive_after_it_returns()
    {
        var collector = await RelayProcess.StartRunningAsync(Collector(0), "b1");
        try
        {
            var portB = await collector.ListeningPortAsync("r1");
            using var forwarder = await RelayProcess.StartRunningAsync(Forwarder(portB));
            var options = new RpcClientOptions { BatchSize = 25 };
            options.Hosts.Add(new RpcHost("a", "127.0.0.1", await forwarder.ListeningPortAsync("r1")));
            await using var client = AvroRpc.CreateClient(options.Hosts[0], options, NullLoggerFactory.Instance);

            await SendAsync(client, 0, 50);
            await AllArrivedAsync(collector.Process, 0, 50);

            collector.Process.Kill();
            collector.Dispose();
            await SendAsync(client, 50, 50);
            await forwarder.Process.WaitForLineAsync("sink k1 failed, backing off");

            // The second hop returns where the first hop's sink points: the rebind of a known port this test is about.
            collector = await RelayProcess.StartRunningAsync(Collector(portB), "b1");
            await AllArrivedAsync(collector.Process, 50, 50);
            Assert.Equal(0, await forwarder.StopAsync());
        }
        finally
        {
            collector.Dispose();
        }
    }

    [Fact]
    public async Task A_stop_while_the_next_hop_holds_a_batch_waits_for_its_answer_and_delivers_it_once()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextHop = new RecordingReceiver { Hold = release.Task };
        await using var server = await nextHop.ServeAvroAsync();
        using var forwarder = await RelayProcess.StartRunningAsync(Forwarder(server.LocalEndPoint.Port));
        await using (var client = SinkGroupTests.Client(await forwarder.ListeningPortAsync("r1")))
        {
            await client.AppendBatchAsync(SinkGroupTests.Events(0, 20), CancellationToken.None);
        }

        await nextHop.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        forwarder.Process.Terminate();
        await forwarder.Process.WaitForLineAsync("agent a1 stopping");

        // Answered only now, after the stop began: a stop that gave up on the batch would send it again in its drain.
        await Task.Delay(500);
        release.SetResult();

        Assert.Equal(0, await forwarder.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(Enumerable.Range(0, 20), SinkGroupTests.Ids(nextHop).Order());
        Assert.Equal(20, nextHop.Events.Count);
        Assert.Equal(0, forwarder.Process.CountLines("stopped holding"));
    }

    [Fact]
    public async Task Thrift_compact_in_and_thrift_binary_out_deliver_every_event()
    {
        var collector = Collector(0)
            .Replace("b1.sources.r1.type = avro", "b1.sources.r1.type = thrift\nb1.sources.r1.protocol = binary", StringComparison.Ordinal);
        using var b = await RelayProcess.StartRunningAsync(collector, "b1");
        var forwarder = Forwarder(await b.ListeningPortAsync("r1"))
            .Replace("a1.sources.r1.type = avro", "a1.sources.r1.type = thrift", StringComparison.Ordinal)
            .Replace("a1.sinks.k1.type = avro", "a1.sinks.k1.type = thrift\na1.sinks.k1.protocol = binary", StringComparison.Ordinal);
        using var a = await RelayProcess.StartRunningAsync(forwarder);
        var options = new RpcClientOptions { ClientType = RpcClientType.Thrift, BatchSize = 30 };
        await using var client = ThriftRpc.CreateClient(new RpcHost("a", "127.0.0.1", await a.ListeningPortAsync("r1")), options, NullLoggerFactory.Instance);

        await SendAsync(client, 0, 100);

        await AllArrivedAsync(b.Process, 0, 100);
    }
}
