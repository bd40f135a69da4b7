using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// A running relay picks up edits of its configuration file (polled every second here, <c>-i 1</c>): only the changed
/// components restart, nothing acknowledged is lost, a broken edit keeps the flow running, and
/// <c>--no-reload-conf</c> ignores edits.
/// </summary>
public sealed class ConfigurationReloadTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("reload-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string AvroSink(string name, int port, int batchSize = 100) => $"""
        a1.sinks.{name}.type = avro
        a1.sinks.{name}.channel = c1
        a1.sinks.{name}.hostname = 127.0.0.1
        a1.sinks.{name}.port = {port}
        a1.sinks.{name}.batch-size = {batchSize}
        a1.sinks.{name}.connect-timeout = 1000
        a1.sinks.{name}.request-timeout = 3000
        """;

    private string FileChannelFlow(int k1Port, int k2Port, int k2BatchSize) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1 k2
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = file
        a1.channels.c1.checkpointDir = {_root}/checkpoint
        a1.channels.c1.dataDirs = {_root}/data
        a1.channels.c1.minimumRequiredSpace = 0
        {AvroSink("k1", k1Port)}
        {AvroSink("k2", k2Port, k2BatchSize)}
        """;

    private static string MemoryFlow(int sinkPort) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        {AvroSink("k1", sinkPort)}
        """;

    /// <summary>Replaces the file in one step, as an editor saving through a temporary file does.</summary>
    private static void Rewrite(RelayProcess relay, string configuration)
    {
        var temporary = relay.ConfigFile + ".new";
        File.WriteAllText(temporary, configuration);
        File.Move(temporary, relay.ConfigFile, overwrite: true);
    }

    private static HashSet<string> Bodies(params RecordingReceiver[] receivers) =>
        [.. receivers.SelectMany(r => r.Events).Select(e => Encoding.UTF8.GetString(e.Body.Span))];

    [Fact]
    public async Task Changing_one_sink_under_load_restarts_only_that_sink_keeps_the_file_channel_open_and_loses_nothing()
    {
        var (first, second, moved) = (new RecordingReceiver(), new RecordingReceiver(), new RecordingReceiver());
        await using var firstServer = await first.ServeAvroAsync();
        await using var secondServer = await second.ServeAvroAsync();
        await using var movedServer = await moved.ServeAvroAsync();
        var (firstPort, secondPort, movedPort) = (firstServer.LocalEndPoint.Port, secondServer.LocalEndPoint.Port, movedServer.LocalEndPoint.Port);
        using var relay = await RelayProcess.StartRunningAsync(FileChannelFlow(firstPort, secondPort, 100), "a1", "--poll-interval", "1");
        var sourcePort = await relay.ListeningPortAsync("r1");
        var acknowledged = new ConcurrentDictionary<string, bool>();
        using var stopSending = new CancellationTokenSource();
        var next = 0;
        var sender = AcknowledgedSender.SendUntilStoppedAsync(sourcePort, acknowledged, () => Interlocked.Increment(ref next), stopSending.Token);

        await Eventually.TrueAsync(() => !second.Events.IsEmpty && acknowledged.Count > 500, "load flowing through both sinks");
        Rewrite(relay, FileChannelFlow(firstPort, movedPort, 50));
        var reloaded = await relay.Process.WaitForLineAsync("agent a1 reloaded", TimeSpan.FromSeconds(20));
        var atReload = acknowledged.Count;
        await Eventually.TrueAsync(() => moved.Events.Count > 200 && acknowledged.Count > atReload + 500, "load flowing through the changed sink");
        await stopSending.CancelAsync();
        await sender;

        var arrived = new HashSet<string>();
        await Eventually.TrueAsync(
            () =>
            {
                arrived.UnionWith(Bodies(first, second, moved));
                return acknowledged.Keys.All(arrived.Contains);
            },
            "every acknowledged event at one of the receivers");
        Assert.Equal(0, await relay.StopAsync());

        output.WriteLine($"acknowledged {acknowledged.Count}: k1 {first.Events.Count}, old k2 {second.Events.Count}, new k2 {moved.Events.Count}");
        Assert.Contains("stopped sink k2; started sink k2; kept running source r1, channel c1, sink k1", reloaded, StringComparison.Ordinal);
        Assert.Equal(1, relay.Process.CountLines("agent a1 reloaded"));
        Assert.Equal(1, relay.Process.CountLines("channel c1: replayed"));
        Assert.Equal(1, relay.Process.CountLines("agent a1 started"));
        Assert.True(moved.BatchSizes.All(size => size <= 50), "the new k2 sends batches of its new batch-size");
    }

    [Fact]
    public async Task A_broken_edit_is_logged_and_the_flow_runs_on_until_a_fixed_edit_applies()
    {
        var (before, after) = (new RecordingReceiver(), new RecordingReceiver());
        await using var beforeServer = await before.ServeAvroAsync();
        await using var afterServer = await after.ServeAvroAsync();
        var afterPort = afterServer.LocalEndPoint.Port;
        using var relay = await RelayProcess.StartRunningAsync(MemoryFlow(beforeServer.LocalEndPoint.Port), "a1", "--poll-interval", "1");
        var sourcePort = await relay.ListeningPortAsync("r1");

        Rewrite(relay, MemoryFlow(afterPort).Replace("a1.sinks.k1.type = avro", "a1.sinks.k1.type = avroo", StringComparison.Ordinal));
        var unknownType = await relay.Process.WaitForLineAsync("changed configuration not applied", TimeSpan.FromSeconds(20));
        Rewrite(relay, MemoryFlow(afterPort).Replace($"port = {afterPort}", "port = ${env:RELOAD_TEST_UNSET_PORT}", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => relay.Process.CountLines("changed configuration not applied") == 2, "the unresolved variable reported");
        await SendAsync(sourcePort, "while-broken", 20);
        await Eventually.TrueAsync(() => before.Events.Count == 20, "events delivered by the unchanged flow");

        Rewrite(relay, MemoryFlow(afterPort));
        var applied = await relay.Process.WaitForLineAsync("agent a1 reloaded", TimeSpan.FromSeconds(20));
        await SendAsync(sourcePort, "fixed", 20);
        await Eventually.TrueAsync(() => after.Events.Count == 20, "events delivered by the fixed sink");
        Assert.Equal(0, await relay.StopAsync());

        var errors = relay.Process.Lines.Where(l => l.Contains("changed configuration not applied", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join('\n', errors));
        Assert.Contains("a1.sinks.k1.type", unknownType, StringComparison.Ordinal);
        Assert.Contains("avroo", unknownType, StringComparison.Ordinal);
        Assert.Contains("RELOAD_TEST_UNSET_PORT", errors[1], StringComparison.Ordinal);
        Assert.Contains("stopped sink k1; started sink k1; kept running source r1, channel c1", applied, StringComparison.Ordinal);
        Assert.Equal(20, before.Events.Count);
    }

    [Fact]
    public async Task No_reload_conf_ignores_edits()
    {
        var (before, after) = (new RecordingReceiver(), new RecordingReceiver());
        await using var beforeServer = await before.ServeAvroAsync();
        await using var afterServer = await after.ServeAvroAsync();
        var afterPort = afterServer.LocalEndPoint.Port;
        using var relay = await RelayProcess.StartRunningAsync(MemoryFlow(beforeServer.LocalEndPoint.Port), "a1", "--no-reload-conf", "--poll-interval", "1");
        var sourcePort = await relay.ListeningPortAsync("r1");

        Rewrite(relay, MemoryFlow(afterPort));

        // No waiting for polls that must not happen: the relay never starts its watcher, which the lines asserted
        // below (read in full once the relay has exited) prove, so no edit can ever be applied.
        await SendAsync(sourcePort, "after-edit", 20);
        await Eventually.TrueAsync(() => before.Events.Count == 20, "events still delivered by the original sink");
        Assert.Equal(0, await relay.StopAsync());

        Assert.Empty(after.Events);
        Assert.Equal(0, relay.Process.CountLines("configuration changed"));
        Assert.Equal(0, relay.Process.CountLines("checking the configuration files for changes"));
    }

    private static async Task SendAsync(int port, string prefix, int count)
    {
        var options = new RpcClientOptions { BatchSize = count };
        options.Hosts.Add(new RpcHost("relay", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        await client.AppendBatchAsync(
            [.. Enumerable.Range(0, count).Select(i => FlumeEvent.FromText($"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}"))],
            CancellationToken.None);
    }
}
