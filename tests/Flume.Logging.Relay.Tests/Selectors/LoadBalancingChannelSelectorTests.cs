using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Selectors;

public sealed class LoadBalancingChannelSelectorTests
{
    private static readonly MemoryChannel[] Channels = [Channel("c1"), Channel("c2"), Channel("c3")];

    private static MemoryChannel Channel(string name) =>
        new(name, new MemoryChannelOptions { Capacity = 10, TransactionCapacity = 10, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static SelectorBuildContext Context(params (string Key, string Value)[] properties) => new(
        "r1",
        new ComponentContext("r1", "a1.sources.r1.selector.", properties.ToDictionary(p => p.Key, p => p.Value)),
        Channels,
        new ComponentServices(NullLoggerFactory.Instance, TimeProvider.System));

    private static string Pick(IChannelSelector selector) => Assert.Single(selector.GetRequiredChannels(FlumeEvent.FromText("x"))).Name;

    [Fact]
    public void Round_robin_is_the_default_and_sends_each_event_to_the_next_channel_in_turn()
    {
        var selector = LoadBalancingChannelSelector.Create(Context(("type", "load_balancing")), new Random(1));

        Assert.Equal(["c1", "c2", "c3", "c1", "c2", "c3", "c1"], Enumerable.Range(0, 7).Select(_ => Pick(selector)));
        Assert.Empty(selector.GetOptionalChannels(FlumeEvent.FromText("x")));
    }

    [Fact]
    public void Random_picks_each_event_s_channel_from_the_injected_random()
    {
        var selector = LoadBalancingChannelSelector.Create(Context(("type", "load_balancing"), ("policy", "random")), new Random(7));
        var expected = new Random(7);

        var picks = Enumerable.Range(0, 50).Select(_ => Pick(selector)).ToList();

        Assert.Equal(Enumerable.Range(0, 50).Select(_ => Channels[expected.Next(3)].Name), picks);
        Assert.Equal(3, picks.Distinct().Count());
    }

    [Fact]
    public void An_unknown_policy_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => LoadBalancingChannelSelector.Create(Context(("policy", "least_busy")), Random.Shared));

        Assert.Contains("selector.policy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("load_balancing")]
    [InlineData("org.apache.flume.channel.LoadBalancingChannelSelector")]
    public async Task An_agent_spreads_a_source_s_events_evenly_over_its_channels_by_alias_or_Flume_class(string type)
    {
        var text = $"""
            a1.sources = r1
            a1.channels = c1 c2
            a1.channels.c1.type = memory
            a1.channels.c2.type = memory
            a1.sources.r1.type = seq
            a1.sources.r1.totalEvents = 10
            a1.sources.r1.batchSize = 5
            a1.sources.r1.channels = c1 c2
            a1.sources.r1.selector.type = {type}
            """;
        var configuration = FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), "a1");
        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System));
        await agent.StartAsync(CancellationToken.None);

        var c1 = (MemoryChannel)agent.Channels[0];
        var c2 = (MemoryChannel)agent.Channels[1];
        await Eventually.TrueAsync(() => c1.Size + c2.Size == 10, "all 10 events in the channels");
        Assert.Equal(5, c1.Size);
        Assert.Equal(5, c2.Size);
    }
}
