using System.Collections.Concurrent;
using System.Text;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// Nothing acknowledged is ever lost: a relay (avro -> file channel -> avro sink) under load is killed with
/// SIGKILL at random moments and restarted, again and again; every event it acknowledged must reach the receiver.
/// </summary>
public sealed class FileChannelCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 20;
    private readonly string _root = Directory.CreateTempSubdirectory("crash-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Config(int receiverPort) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = file
        a1.channels.c1.checkpointDir = {_root}/checkpoint
        a1.channels.c1.dataDirs = {_root}/data1,{_root}/data2
        a1.channels.c1.checkpointInterval = 700
        a1.channels.c1.maxFileSize = 1048576
        a1.channels.c1.minimumRequiredSpace = 0
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {receiverPort}
        a1.sinks.k1.batch-size = 100
        a1.sinks.k1.connect-timeout = 1000
        a1.sinks.k1.request-timeout = 3000
        """;

    [Fact]
    public Task Every_acknowledged_event_arrives_across_twenty_kills() => RunAsync(receiverOutages: false);

    [Fact]
    public Task Every_acknowledged_event_arrives_across_kills_while_the_receiver_is_down() => RunAsync(receiverOutages: true);

    private async Task RunAsync(bool receiverOutages)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var received = new RecordingReceiver();
        IRpcServer? receiver = await StartReceiverAsync(0, received);

        // The receiver comes back where the relay's sink points: a rebind of the port it first got, which an outage
        // test cannot avoid.
        var receiverPort = receiver.LocalEndPoint.Port;
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var next = 0;
        var config = Config(receiverPort);
        try
        {
            for (var kill = 0; kill < Kills; kill++)
            {
                if (receiverOutages && kill % 5 == 1 && receiver is not null)
                {
                    await receiver.DisposeAsync();
                    receiver = null;
                }
                else if (receiver is null)
                {
                    receiver = await StartReceiverAsync(receiverPort, received);
                }

                using var relay = await RelayProcess.StartRunningAsync(config);
                await AcknowledgedSender.SendThenKillAsync(relay, await relay.ListeningPortAsync("r1"), acknowledged, () => Interlocked.Increment(ref next), TimeSpan.FromMilliseconds(random.Next(150, 900)));
            }

            receiver ??= await StartReceiverAsync(receiverPort, received);
            using var last = await RelayProcess.StartRunningAsync(config);
            await AcknowledgedSender.WaitUntilAllArrivedAsync(received, acknowledged, TimeSpan.FromSeconds(90));
            Assert.Equal(0, await last.StopAsync());
        }
        finally
        {
            if (receiver is not null)
            {
                await receiver.DisposeAsync();
            }
        }

        var deliveries = received.Events.Count;
        var distinct = received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).Distinct().Count();
        output.WriteLine($"acknowledged {acknowledged.Count}, delivered {deliveries} ({distinct} distinct, {deliveries - distinct} duplicates), missing 0");
        Assert.True(acknowledged.Count > 1000, $"the load was too small to prove anything: {acknowledged.Count} events");
    }

    private static Task<IRpcServer> StartReceiverAsync(int port, RecordingReceiver receiver) => receiver.ServeAvroAsync(port);
}
