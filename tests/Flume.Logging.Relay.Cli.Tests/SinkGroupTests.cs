using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>Real relays with failover and load_balance sink groups forwarding to in-test Avro next hops.</summary>
public sealed class SinkGroupTests
{
    private static string Relay(string sinks, string group) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1 k2
        a1.sinkgroups = g1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        {sinks}
        a1.sinkgroups.g1.sinks = k1 k2
        {group}
        """;

    private static string AvroSink(string name, int port) => $"""
        a1.sinks.{name}.type = avro
        a1.sinks.{name}.channel = c1
        a1.sinks.{name}.hostname = 127.0.0.1
        a1.sinks.{name}.port = {port}
        a1.sinks.{name}.batch-size = 10
        a1.sinks.{name}.connect-timeout = 1000
        a1.sinks.{name}.request-timeout = 3000
        """;

    /// <summary>An avro next hop on 127.0.0.1:<paramref name="port"/>; 0 (a new hop) lets the kernel pick, see its LocalEndPoint.</summary>
    internal static async Task<IRpcServer> StartReceiverAsync(int port, RecordingReceiver receiver)
    {
        var server = AvroRpc.CreateServer("receiver", new RpcServerOptions { Bind = "127.0.0.1", Port = port }, receiver, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    internal static IRpcClient Client(int port) =>
        AvroRpc.CreateClient(new RpcHost("relay", "127.0.0.1", port), new RpcClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) }, NullLoggerFactory.Instance);

    internal static List<FlumeEvent> Events(int from, int count, IDictionary<string, string>? headers = null)
    {
        var events = new List<FlumeEvent>(count);
        for (var i = from; i < from + count; i++)
        {
            events.Add(FlumeEvent.FromText(i.ToString(CultureInfo.InvariantCulture), headers is null ? null : new Dictionary<string, string>(headers)));
        }

        return events;
    }

    internal static HashSet<int> Ids(RecordingReceiver receiver) =>
        receiver.Events.Select(e => int.Parse(System.Text.Encoding.UTF8.GetString(e.Body.Span), CultureInfo.InvariantCulture)).ToHashSet();

    /// <summary>Sends batches of 5 until stopped, recording the ids the relay acknowledged.</summary>
    private static async Task SendUntilStoppedAsync(IRpcClient client, List<int> acknowledged, CancellationToken stop)
    {
        var next = 0;
        while (!stop.IsCancellationRequested)
        {
            var batch = Events(next, 5);
            try
            {
                await client.AppendBatchAsync(batch, CancellationToken.None);
                lock (acknowledged)
                {
                    acknowledged.AddRange(Enumerable.Range(next, 5));
                }
            }
            catch (EventDeliveryException)
            {
                // Not acknowledged, so not owed; the next batch carries new ids.
            }

            next += 5;
            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [Fact]
    public async Task Failover_moves_traffic_to_the_backup_while_the_primary_is_down_and_back_after_its_penalty()
    {
        var atA = new RecordingReceiver();
        var atB = new RecordingReceiver();
        var restartedA = new RecordingReceiver();
        var serverA = await StartReceiverAsync(0, atA);
        var portA = serverA.LocalEndPoint.Port;
        await using var serverB = await StartReceiverAsync(0, atB);
        try
        {
            using var relay = await RelayProcess.StartRunningAsync(Relay(AvroSink("k1", portA) + "\n" + AvroSink("k2", serverB.LocalEndPoint.Port), """
                a1.sinkgroups.g1.processor.type = failover
                a1.sinkgroups.g1.processor.priority.k1 = 10
                a1.sinkgroups.g1.processor.priority.k2 = 5
                a1.sinkgroups.g1.processor.maxpenalty = 2000
                """));
            await using var client = Client(await relay.ListeningPortAsync("r1"));
            var acknowledged = new List<int>();
            using var stop = new CancellationTokenSource();
            var sender = SendUntilStoppedAsync(client, acknowledged, stop.Token);

            await Eventually.TrueAsync(() => atA.Events.Count >= 50, "traffic at the primary A");
            Assert.Empty(atB.Events);
            await serverA.StopAsync(CancellationToken.None);
            await serverA.DisposeAsync();
            await Eventually.TrueAsync(() => atB.Events.Count >= 50, "traffic failed over to the backup B");
            await relay.Process.WaitForLineAsync("sink group g1: sink k1 failed and is penalised for 1000 ms");

            // The primary comes back where the relay's sink points: the one rebind of a known port this test is about.
            serverA = await StartReceiverAsync(portA, restartedA);
            await relay.Process.WaitForLineAsync("sink group g1: sink k1 delivered again after");
            var atBWhenRestored = atB.Events.Count;
            await Eventually.TrueAsync(() => restartedA.Events.Count >= 100, "traffic back at the primary A");
            Assert.Equal(atBWhenRestored, atB.Events.Count);

            await stop.CancelAsync();
            await sender;
            List<int> owed;
            lock (acknowledged)
            {
                owed = [.. acknowledged];
            }

            await Eventually.TrueAsync(
                () => owed.All(Ids(atA).Union(Ids(atB)).Union(Ids(restartedA)).Contains),
                $"all {owed.Count} acknowledged events at A or B");
            Assert.Equal(0, await relay.StopAsync());
        }
        finally
        {
            await serverA.DisposeAsync();
        }
    }

    [Fact]
    public async Task Load_balance_with_backoff_delivers_everything_to_the_live_hop_and_seldom_retries_the_dead_one()
    {
        var live = new RecordingReceiver();
        await using var liveServer = await StartReceiverAsync(0, live);

        // The dead hop accepts and hangs up at once, so every connection attempt the relay makes is counted.
        using var dead = new TcpListener(IPAddress.Loopback, 0);
        dead.Start();
        var deadPort = ((IPEndPoint)dead.LocalEndpoint).Port;
        var accepts = 0;
        using var closing = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var socket = await dead.AcceptSocketAsync(closing.Token);
                    Interlocked.Increment(ref accepts);
                }
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        });

        using var relay = await RelayProcess.StartRunningAsync(Relay(AvroSink("k1", deadPort) + "\n" + AvroSink("k2", liveServer.LocalEndPoint.Port), """
            a1.sinkgroups.g1.processor.type = load_balance
            a1.sinkgroups.g1.processor.selector = round_robin
            a1.sinkgroups.g1.processor.backoff = true
            a1.sinkgroups.g1.processor.selector.maxTimeOut = 30000
            """));
        await using var client = Client(await relay.ListeningPortAsync("r1"));

        // Batches of 100 are 10 sink batches each, so the rotation reaches k1 while the channel holds events (paced
        // small batches would let k2 empty the channel every time and k1 would only ever find it empty).
        for (var batch = 0; batch < 6; batch++)
        {
            await client.AppendBatchAsync(Events(batch * 100, 100), CancellationToken.None);
            await Task.Delay(500);
        }

        await Eventually.TrueAsync(() => Ids(live).Count == 600, "all 600 events at the live hop");
        Assert.Equal(Enumerable.Range(0, 600), Ids(live).Order());
        await relay.Process.WaitForLineAsync("sink group g1: sink k1 failed and is backed off for 1000 ms");

        // 60 sink batches at round robin would knock on the dead hop about 30 times; backed off (1 s, then 2 s,
        // then 4 s) it gets a handful at most in the 3 s this takes.
        var knocks = Volatile.Read(ref accepts);
        Assert.InRange(knocks, 1, 4);
        Assert.Equal(0, await relay.StopAsync());
        await closing.CancelAsync();
        dead.Stop();
        await acceptLoop;
    }
}
