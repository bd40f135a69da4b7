using System.Net;
using System.Net.Sockets;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Agent;

/// <summary>A running agent takes a changed configuration: what changed restarts, the rest keeps its instances.</summary>
public sealed class RelayAgentReloadTests : IAsyncDisposable
{
    private const string Base = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1 k2
        a1.sources.r1.type = seq
        a1.sources.r1.totalEvents = 100
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        a1.sinks.k2.type = null
        a1.sinks.k2.channel = c1
        """;

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);

    private readonly CapturingLoggerFactory _logs = new();
    private RelayAgent? _agent;

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _logs.Dispose();
    }

    private static AgentConfiguration Load(string text) =>
        FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), "a1");

    private async Task<RelayAgent> StartAsync(string text)
    {
        _agent = RelayAgent.Build(Load(text), ComponentRegistry.CreateDefault(), new ComponentServices(_logs, TimeProvider.System));
        await _agent.StartAsync(CancellationToken.None);
        return _agent;
    }

    private static CounterGroup Group(RelayAgent agent, string key) =>
        agent.Metrics.Snapshot().Single(g => MetricsRegistry.KeyOf(g) == key);

    private static string[] Keys(RelayAgent agent) => [.. agent.Metrics.Snapshot().Select(MetricsRegistry.KeyOf)];

    [Fact]
    public async Task A_changed_sink_restarts_alone_and_the_source_and_channel_keep_their_instances_and_counters()
    {
        var agent = await StartAsync(Base);
        var source = agent.Sources[0];
        var channel = agent.Channels[0];
        var channelCounters = Group(agent, "CHANNEL.c1");
        var k1Counters = Group(agent, "SINK.k1");
        var k2Counters = Group(agent, "SINK.k2");

        Assert.True(await agent.ReloadAsync(Load(Base + "\na1.sinks.k2.batchSize = 10"), Drain, CancellationToken.None));

        Assert.Same(source, agent.Sources[0]);
        Assert.Same(channel, agent.Channels[0]);
        Assert.Same(channelCounters, Group(agent, "CHANNEL.c1"));
        Assert.Same(k1Counters, Group(agent, "SINK.k1"));
        Assert.NotSame(k2Counters, Group(agent, "SINK.k2"));
        Assert.True(
            _logs.Contains("agent a1 reloaded: stopped sink k2; started sink k2; kept running source r1, channel c1, sink k1", LogLevel.Information),
            _logs.Dump());
    }

    [Fact]
    public async Task The_restarted_sink_drains_what_its_predecessor_left_in_the_kept_channel()
    {
        // k2 first goes to a next hop that is not there: every batch fails and all 100 events wait in the channel.
        var single = Base.Replace("a1.sinks = k1 k2", "a1.sinks = k2", StringComparison.Ordinal);
        var failing = single.Replace(
            "a1.sinks.k2.type = null",
            "a1.sinks.k2.type = avro\na1.sinks.k2.hostname = 127.0.0.1\na1.sinks.k2.port = 1\na1.sinks.k2.connect-timeout = 200",
            StringComparison.Ordinal);
        var agent = await StartAsync(failing);
        var channel = agent.Channels[0];
        await Eventually.TrueAsync(() => channel is MemoryChannel { Size: 100 }, "all 100 events waiting in the channel");

        await agent.ReloadAsync(Load(single), Drain, CancellationToken.None);

        Assert.Same(channel, agent.Channels[0]);
        await Eventually.TrueAsync(() => channel is MemoryChannel { Size: 0 }, "the new k2 to take every event the old one left in the channel");
    }

    [Fact]
    public async Task A_memory_channel_given_new_settings_keeps_its_events_and_nothing_restarts()
    {
        // k2 goes to a next hop that is not there, so all 100 events wait in the channel through the reload.
        var failing = Base.Replace("a1.sinks = k1 k2", "a1.sinks = k2", StringComparison.Ordinal).Replace(
            "a1.sinks.k2.type = null",
            "a1.sinks.k2.type = avro\na1.sinks.k2.hostname = 127.0.0.1\na1.sinks.k2.port = 1\na1.sinks.k2.connect-timeout = 200",
            StringComparison.Ordinal);
        var agent = await StartAsync(failing);
        var source = agent.Sources[0];
        var channel = (MemoryChannel)agent.Channels[0];
        var sinkCounters = Group(agent, "SINK.k2");
        await Eventually.TrueAsync(() => channel.Size == 100, "all 100 events waiting in the channel");

        Assert.True(await agent.ReloadAsync(Load(failing + "\na1.channels.c1.capacity = 500\na1.channels.c1.transactionCapacity = 200"), Drain, CancellationToken.None));

        Assert.Same(channel, agent.Channels[0]);
        Assert.Same(source, agent.Sources[0]);
        Assert.Same(sinkCounters, Group(agent, "SINK.k2"));
        Assert.Equal(100, channel.Size);
        Assert.Equal(500, channel.Capacity);
        Assert.Equal(200, channel.TransactionCapacity);
        Assert.Equal(500, ((ChannelCounter)Group(agent, "CHANNEL.c1")).ChannelCapacity);
        Assert.True(
            _logs.Contains("agent a1 reloaded: stopped nothing; started nothing; kept running source r1, channel c1 (reconfigured in place), sink k2", LogLevel.Information),
            _logs.Dump());
        Assert.False(_logs.Contains("stopped holding"), _logs.Dump());
    }

    [Fact]
    public async Task A_spillable_channel_given_new_memory_settings_keeps_its_events_and_new_overflow_settings_replace_it()
    {
        var folder = Directory.CreateTempSubdirectory("reload-spillable-").FullName;
        try
        {
            // k2 goes to a next hop that is not there, so all 100 events wait in the channel's memory through the reload.
            var failing = Base.Replace("a1.sinks = k1 k2", "a1.sinks = k2", StringComparison.Ordinal).Replace(
                "a1.sinks.k2.type = null",
                "a1.sinks.k2.type = avro\na1.sinks.k2.hostname = 127.0.0.1\na1.sinks.k2.port = 1\na1.sinks.k2.connect-timeout = 200",
                StringComparison.Ordinal).Replace(
                "a1.channels.c1.type = memory",
                $"a1.channels.c1.type = SPILLABLEMEMORY\na1.channels.c1.memoryCapacity = 200\na1.channels.c1.overflowCapacity = 1000\n" +
                $"a1.channels.c1.checkpointDir = {folder}/checkpoint\na1.channels.c1.dataDirs = {folder}/data\na1.channels.c1.minimumRequiredSpace = 0",
                StringComparison.Ordinal);
            var agent = await StartAsync(failing);
            var source = agent.Sources[0];
            var channel = (SpillableMemoryChannel)agent.Channels[0];
            await Eventually.TrueAsync(() => channel.MemorySize == 100, "all 100 events waiting in memory");

            var memoryOnly = failing.Replace("memoryCapacity = 200", "memoryCapacity = 500\na1.channels.c1.overflowTimeout = 1", StringComparison.Ordinal);
            Assert.True(await agent.ReloadAsync(Load(memoryOnly), Drain, CancellationToken.None));

            Assert.Same(channel, agent.Channels[0]);
            Assert.Same(source, agent.Sources[0]);
            Assert.Equal(100, channel.MemorySize);
            Assert.Equal(1500, ((ChannelCounter)Group(agent, "CHANNEL.c1")).ChannelCapacity);
            Assert.True(_logs.Contains("channel c1 reconfigured in place (memoryCapacity 500, overflowTimeout 1 s), keeping the 100 events in memory and 0 in overflow"), _logs.Dump());
            Assert.False(_logs.Contains("stopped holding"), _logs.Dump());

            // The overflow's file channel cannot change under its events: the channel is replaced, as before.
            Assert.True(await agent.ReloadAsync(Load(memoryOnly + "\na1.channels.c1.checkpointInterval = 5000"), Drain, CancellationToken.None));

            Assert.NotSame(channel, agent.Channels[0]);
            Assert.True(_logs.Contains("channel c1 stopped holding 100 events in memory"), _logs.Dump());
        }
        finally
        {
            if (_agent is not null)
            {
                await _agent.DisposeAsync();
                _agent = null;
            }

            TempFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task New_channel_settings_a_kept_sink_cannot_use_are_refused_and_the_channel_keeps_its_old_ones()
    {
        var agent = await StartAsync(Base.Replace("a1.sinks.k2.channel = c1", "a1.sinks.k2.channel = c1\na1.sinks.k2.batchSize = 100", StringComparison.Ordinal));
        var channel = (MemoryChannel)agent.Channels[0];

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => agent.ReloadAsync(
            Load(Base.Replace("a1.sinks.k2.channel = c1", "a1.sinks.k2.channel = c1\na1.sinks.k2.batchSize = 100", StringComparison.Ordinal) + "\na1.channels.c1.transactionCapacity = 10"),
            Drain,
            CancellationToken.None));

        Assert.Contains("a1.channels.c1.transactionCapacity (10) is less than the batch", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, channel.TransactionCapacity);
    }

    [Fact]
    public async Task A_change_that_cannot_be_built_throws_and_leaves_the_flow_and_metrics_as_they_were()
    {
        var agent = await StartAsync(Base);
        var channel = agent.Channels[0];
        var keys = Keys(agent);
        var k2Counters = Group(agent, "SINK.k2");

        var broken = Base.Replace("a1.sinks.k2.type = null", "a1.sinks.k2.type = nosuchsink", StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => agent.ReloadAsync(Load(broken), Drain, CancellationToken.None));

        Assert.Contains("a1.sinks.k2.type", error.Message, StringComparison.Ordinal);
        Assert.Same(channel, agent.Channels[0]);
        Assert.Equal(keys, Keys(agent));
        Assert.Same(k2Counters, Group(agent, "SINK.k2"));

        // The flow is still the running one: the same broken change is refused again, a good one applies.
        await Assert.ThrowsAsync<ConfigurationException>(() => agent.ReloadAsync(Load(broken), Drain, CancellationToken.None));
        Assert.True(await agent.ReloadAsync(Load(Base + "\na1.sinks.k2.batchSize = 10"), Drain, CancellationToken.None));
        Assert.NotSame(k2Counters, Group(agent, "SINK.k2"));
    }

    [Fact]
    public async Task Removed_components_leave_the_metrics_and_new_ones_join_them()
    {
        var agent = await StartAsync(Base);
        var next = """
            a1.sources = r1
            a1.channels = c1 c2
            a1.sinks = k1 k3
            a1.sources.r1.type = seq
            a1.sources.r1.totalEvents = 100
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            a1.channels.c2.type = memory
            a1.sinks.k1.type = null
            a1.sinks.k1.channel = c1
            a1.sinks.k3.type = null
            a1.sinks.k3.channel = c2
            """;

        await agent.ReloadAsync(Load(next), Drain, CancellationToken.None);

        Assert.Equal(["CHANNEL.c1", "CHANNEL.c2", "SINK.k1", "SINK.k3", "SOURCE.r1"], Keys(agent));
        Assert.Equal(["c1", "c2"], agent.Channels.Select(c => c.Name));
        Assert.True(_logs.Contains("stopped sink k2; started channel c2, sink k3; kept running source r1, channel c1, sink k1"), _logs.Dump());
    }

    [Fact]
    public async Task The_same_flow_in_changed_files_restarts_nothing()
    {
        var agent = await StartAsync(Base);
        var keys = Keys(agent);
        var k2Counters = Group(agent, "SINK.k2");

        Assert.True(await agent.ReloadAsync(Load("# only a comment is new\n" + Base), Drain, CancellationToken.None));

        Assert.Equal(keys, Keys(agent));
        Assert.Same(k2Counters, Group(agent, "SINK.k2"));
        Assert.True(_logs.Contains("nothing restarted"), _logs.Dump());
    }

    [Fact]
    public async Task A_new_source_that_cannot_start_is_logged_left_out_and_tried_again_by_the_next_change()
    {
        var agent = await StartAsync(Base);
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var busy = ((IPEndPoint)occupant.LocalEndpoint).Port;
        string WithNetcat(int port) => Base.Replace("a1.sources = r1", "a1.sources = r1 r2", StringComparison.Ordinal)
            + $"\na1.sources.r2.type = netcat\na1.sources.r2.bind = 127.0.0.1\na1.sources.r2.port = {port}\na1.sources.r2.channels = c1";

        await agent.ReloadAsync(Load(WithNetcat(busy)), Drain, CancellationToken.None);

        Assert.True(_logs.Contains("source r2 failed to start", LogLevel.Error), _logs.Dump());
        Assert.Equal(["r1"], agent.Sources.Select(s => s.Name));
        Assert.DoesNotContain("SOURCE.r2", Keys(agent));

        await agent.ReloadAsync(Load(WithNetcat(0)), Drain, CancellationToken.None);

        Assert.Equal(["r1", "r2"], agent.Sources.Select(s => s.Name));
        Assert.Contains("SOURCE.r2", Keys(agent));
        var bound = ((NetcatSource)agent.Sources[1]).LocalEndPoint;
        Assert.True(_logs.Contains($"netcat source r2 listening on {bound}", LogLevel.Information), _logs.Dump());
        using var client = new TcpClient();
        await client.ConnectAsync(bound);
    }

    [Fact]
    public async Task A_source_left_out_by_a_reload_starts_at_a_retry_once_its_port_is_free()
    {
        var agent = await StartAsync(Base);
        var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var withNetcat = Base.Replace("a1.sources = r1", "a1.sources = r1 r2", StringComparison.Ordinal)
            + $"\na1.sources.r2.type = netcat\na1.sources.r2.bind = 127.0.0.1\na1.sources.r2.port = {port}\na1.sources.r2.channels = c1";
        await agent.ReloadAsync(Load(withNetcat), Drain, CancellationToken.None);
        Assert.Equal(["r1"], agent.Sources.Select(s => s.Name));

        // Still busy: the retry fails as the reload did, and leaves the flow as it was.
        Assert.True(await agent.RetryLeftOutAsync(Drain, CancellationToken.None));
        Assert.Equal(["r1"], agent.Sources.Select(s => s.Name));
        Assert.Equal(2, _logs.Entries.Count(e => e.Level == LogLevel.Error && e.Message.Contains("source r2 failed to start", StringComparison.Ordinal)));
        Assert.False(_logs.Contains("started source r2"), _logs.Dump());

        occupant.Stop();
        Assert.True(await agent.RetryLeftOutAsync(Drain, CancellationToken.None));

        Assert.True(_logs.Contains("started source r2", LogLevel.Information), _logs.Dump());
        Assert.Equal(["r1", "r2"], agent.Sources.Select(s => s.Name));
        Assert.Equal(port, ((NetcatSource)agent.Sources[1]).LocalEndPoint.Port);
        Assert.False(await agent.RetryLeftOutAsync(Drain, CancellationToken.None), "nothing is left to retry");
    }

    [Fact]
    public async Task A_stopped_agent_takes_no_reload()
    {
        var agent = await StartAsync(Base);
        await agent.StopAsync(CancellationToken.None);

        Assert.False(await agent.ReloadAsync(Load(Base + "\na1.sinks.k2.batchSize = 10"), Drain, CancellationToken.None));
    }
}
