using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Agent;

/// <summary>Which components a configuration edit stops and starts, and which it leaves running.</summary>
public sealed class FlowDiffTests
{
    // Two independent lines: r1 -> c1 -> k1, k2 and r2 -> c2 -> k3.
    private const string Base = """
        a1.sources = r1 r2
        a1.channels = c1 c2
        a1.sinks = k1 k2 k3
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 4001
        a1.sources.r1.channels = c1
        a1.sources.r2.type = netcat
        a1.sources.r2.bind = 127.0.0.1
        a1.sources.r2.port = 4002
        a1.sources.r2.channels = c2
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 1000
        a1.channels.c2.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        a1.sinks.k2.type = logger
        a1.sinks.k2.channel = c1
        a1.sinks.k3.type = null
        a1.sinks.k3.channel = c2
        """;

    private static AgentConfiguration Load(string text) =>
        FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), "a1");

    private static FlowDiff Diff(string before, string after) => FlowDiff.Compute(Load(before), Load(after));

    private static string Edit(string text, string key, string? value)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var index = lines.FindIndex(l => l.StartsWith(key + " =", StringComparison.Ordinal));
        if (value is null)
        {
            lines.RemoveAt(index);
        }
        else if (index < 0)
        {
            lines.Add($"{key} = {value}");
        }
        else
        {
            lines[index] = $"{key} = {value}";
        }

        return string.Join('\n', lines);
    }

    private static void AssertRestarts(FlowDiff diff, string[] sources, string[] channels, string[] sinks, string[]? groups = null)
    {
        Assert.Equal(sources.Order(), diff.Stop.Sources.Order());
        Assert.Equal(sources.Order(), diff.Start.Sources.Order());
        Assert.Equal(channels.Order(), diff.Stop.Channels.Order());
        Assert.Equal(channels.Order(), diff.Start.Channels.Order());
        Assert.Equal(sinks.Order(), diff.Stop.Sinks.Order());
        Assert.Equal(sinks.Order(), diff.Start.Sinks.Order());
        Assert.Equal((groups ?? []).Order(), diff.Stop.Groups.Order());
        Assert.Equal((groups ?? []).Order(), diff.Start.Groups.Order());
    }

    [Fact]
    public void Comments_blank_lines_and_reordered_keys_restart_nothing()
    {
        var reordered = "# edited\n\n" + string.Join('\n', Base.Split('\n').Reverse());

        Assert.True(Diff(Base, reordered).IsEmpty);
    }

    [Fact]
    public void A_changed_sink_property_restarts_only_that_sink()
    {
        var diff = Diff(Base, Edit(Base, "a1.sinks.k2.maxBytesToLog", "32"));

        AssertRestarts(diff, [], [], ["k2"]);
    }

    [Fact]
    public void A_sink_moved_to_another_channel_restarts_only_that_sink()
    {
        var diff = Diff(Base, Edit(Base, "a1.sinks.k2.channel", "c2"));

        AssertRestarts(diff, [], [], ["k2"]);
    }

    [Fact]
    public void A_changed_channel_restarts_with_the_sources_and_sinks_attached_to_it_and_nothing_else()
    {
        var diff = Diff(Base, Edit(Base, "a1.channels.c1.capacity", "2000"));

        AssertRestarts(diff, ["r1"], ["c1"], ["k1", "k2"]);
    }

    [Fact]
    public void A_channel_that_takes_its_new_properties_in_place_is_reconfigured_and_nothing_restarts()
    {
        var diff = FlowDiff.Compute(Load(Base), Load(Edit(Base, "a1.channels.c1.capacity", "2000")), (_, _) => true);

        AssertRestarts(diff, [], [], []);
        Assert.Equal(["c1"], diff.Reconfigured);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void A_reconfigurable_channel_is_not_reconfigured_when_its_properties_did_not_change()
    {
        var diff = FlowDiff.Compute(Load(Base), Load(Edit(Base, "a1.sinks.k2.maxBytesToLog", "32")), (_, _) => true);

        AssertRestarts(diff, [], [], ["k2"]);
        Assert.Empty(diff.Reconfigured);
    }

    [Fact]
    public void A_channel_whose_type_changes_restarts_with_what_is_attached_to_it()
    {
        var diff = Diff(Base, Edit(Base, "a1.channels.c2.type", "SPILLABLEMEMORY"));

        AssertRestarts(diff, ["r2"], ["c2"], ["k3"]);
    }

    [Fact]
    public void A_source_whose_channels_change_restarts_alone()
    {
        var diff = Diff(Base, Edit(Base, "a1.sources.r1.channels", "c1 c2"));

        AssertRestarts(diff, ["r1"], [], []);
    }

    [Fact]
    public void A_source_whose_interceptors_change_restarts_alone()
    {
        var before = Base + "\na1.sources.r1.interceptors = i1\na1.sources.r1.interceptors.i1.type = timestamp";
        var after = Edit(before, "a1.sources.r1.interceptors.i1.preserveExisting", "true");

        AssertRestarts(Diff(before, after), ["r1"], [], []);
    }

    [Fact]
    public void A_source_whose_selector_changes_restarts_alone()
    {
        var before = Edit(Base, "a1.sources.r1.channels", "c1 c2");
        var after = Edit(before, "a1.sources.r1.selector.optional", "c2");

        AssertRestarts(Diff(before, after), ["r1"], [], []);
    }

    [Fact]
    public void A_removed_sink_is_stopped_and_nothing_starts()
    {
        var after = Edit(Edit(Edit(Base, "a1.sinks", "k1 k3"), "a1.sinks.k2.type", null), "a1.sinks.k2.channel", null);

        var diff = Diff(Base, after);

        Assert.Equal(["k2"], diff.Stop.Sinks);
        Assert.Empty(diff.Start.Sinks);
        Assert.Empty(diff.Stop.Sources.Concat(diff.Stop.Channels).Concat(diff.Start.Sources).Concat(diff.Start.Channels));
    }

    [Fact]
    public void A_new_channel_with_its_sink_starts_without_stopping_anything()
    {
        var after = Edit(Edit(Edit(Edit(Base, "a1.channels", "c1 c2 c3"), "a1.channels.c3.type", "memory"), "a1.sinks", "k1 k2 k3 k4"), "a1.sinks.k4.type", "null");
        after = Edit(after, "a1.sinks.k4.channel", "c3");

        var diff = Diff(Base, after);

        Assert.Equal(["c3"], diff.Start.Channels);
        Assert.Equal(["k4"], diff.Start.Sinks);
        Assert.Empty(diff.Start.Sources);
        Assert.Empty(diff.Stop.Sources.Concat(diff.Stop.Channels).Concat(diff.Stop.Sinks));
    }

    [Fact]
    public void A_changed_variable_restarts_the_components_whose_resolved_values_use_it()
    {
        var before = Base.Replace("a1.sources.r2.port = 4002", "a1.sources.r2.port = ${port2}", StringComparison.Ordinal) + "\nport2 = 4002";

        Assert.True(Diff(before, Base).IsEmpty);
        AssertRestarts(Diff(before, Edit(before, "port2", "4012")), ["r2"], [], []);
    }

    [Fact]
    public void A_changed_sink_processor_restarts_the_group_with_all_its_sinks_only()
    {
        var before = Base + "\na1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1 k2\na1.sinkgroups.g1.processor.type = failover";
        var after = Edit(before, "a1.sinkgroups.g1.processor.maxpenalty", "5000");

        AssertRestarts(Diff(before, after), [], [], ["k1", "k2"], ["g1"]);
    }

    [Fact]
    public void An_edited_member_sink_restarts_its_group_and_the_other_members()
    {
        var before = Base + "\na1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1 k2\na1.sinkgroups.g1.processor.type = failover";
        var after = Edit(before, "a1.sinks.k1.batchSize", "10");

        AssertRestarts(Diff(before, after), [], [], ["k1", "k2"], ["g1"]);
    }

    [Fact]
    public void A_sink_moved_into_a_new_group_restarts_in_that_group()
    {
        var after = Base + "\na1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k3\na1.sinkgroups.g1.processor.type = failover";

        var diff = Diff(Base, after);

        Assert.Equal(["k3"], diff.Stop.Sinks);
        Assert.Equal(["k3"], diff.Start.Sinks);
        Assert.Empty(diff.Stop.Groups);
        Assert.Equal(["g1"], diff.Start.Groups);
        Assert.Empty(diff.Stop.Sources.Concat(diff.Stop.Channels));
    }

    [Fact]
    public void A_removed_group_stops_and_its_sinks_restart_on_their_own()
    {
        var before = Base + "\na1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1 k2\na1.sinkgroups.g1.processor.type = failover";

        var diff = Diff(before, Base);

        Assert.Equal(["g1"], diff.Stop.Groups);
        Assert.Empty(diff.Start.Groups);
        AssertSame(["k1", "k2"], diff.Stop.Sinks);
        AssertSame(["k1", "k2"], diff.Start.Sinks);
    }

    private static void AssertSame(string[] expected, IReadOnlySet<string> actual) => Assert.Equal(expected.Order(), actual.Order());
}
