using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Selectors;

public sealed class MultiplexingChannelSelectorTests
{
    private static readonly MemoryChannel C1 = Channel("c1");
    private static readonly MemoryChannel C2 = Channel("c2");
    private static readonly MemoryChannel C3 = Channel("c3");
    private static readonly MemoryChannel C4 = Channel("c4");

    private static MemoryChannel Channel(string name, int capacity = 100) =>
        new(name, new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static MultiplexingChannelSelector Selector(IReadOnlyList<IChannel> channels, params (string Key, string Value)[] properties) =>
        new(channels, new ComponentContext("r1", "a1.sources.r1.selector.", properties.ToDictionary(p => p.Key, p => p.Value)));

    /// <summary>The user guide's example: header <c>state</c>, CZ to c1, US to c2 and c3, anything else to c4.</summary>
    private static MultiplexingChannelSelector GuideExample(params (string Key, string Value)[] more) =>
        Selector([C1, C2, C3, C4], [("type", "multiplexing"), ("header", "state"), ("mapping.CZ", "c1"), ("mapping.US", "c2 c3"), ("default", "c4"), .. more]);

    private static FlumeEvent Event(string? header, string? value) =>
        FlumeEvent.FromText("x", header is null ? null : new Dictionary<string, string> { [header] = value! });

    private static string[] Names(IReadOnlyList<IChannel> channels) => channels.Select(c => c.Name).ToArray();

    [Fact]
    public void Routes_a_mapped_value_to_its_channels()
    {
        var selector = GuideExample();

        Assert.Equal(["c1"], Names(selector.GetRequiredChannels(Event("state", "CZ"))));
        Assert.Equal(["c2", "c3"], Names(selector.GetRequiredChannels(Event("state", "US"))));
        Assert.Empty(selector.GetOptionalChannels(Event("state", "US")));
    }

    [Theory]
    [InlineData("state", "FR")]
    [InlineData("state", "")]
    [InlineData("state", "  ")]
    [InlineData("other", "CZ")]
    [InlineData(null, null)]
    public void Sends_unmapped_blank_or_missing_values_to_the_default_channels(string? header, string? value)
    {
        Assert.Equal(["c4"], Names(GuideExample().GetRequiredChannels(Event(header, value))));
    }

    [Fact]
    public async Task Without_a_default_an_unmapped_event_is_dropped_as_in_Flume_and_the_first_one_is_named_in_a_warning()
    {
        using var logs = new CapturingLoggerFactory();
        var c1 = Channel("c1");
        var processor = new ChannelProcessor(
            Selector([c1], [("header", "state"), ("mapping.CZ", "c1")]), [], logs.CreateLogger<ChannelProcessor>());

        await processor.ProcessClientBatchAsync([Event("state", "FR"), Event("state", "CZ"), Event(null, null)], CancellationToken.None);

        Assert.Equal(1, c1.Size);
        Assert.True(
            logs.Contains("an event matched no channel and was dropped, as Flume drops it (multiplexing selector: state = 'FR' has no selector.mapping, and there is no selector.default)", LogLevel.Warning),
            logs.Dump());
        Assert.Single(logs.Entries, e => e.Message.Contains("matched no channel", StringComparison.Ordinal));
    }

    [Fact]
    public void Matches_values_exactly()
    {
        Assert.Equal(["c4"], Names(GuideExample().GetRequiredChannels(Event("state", "cz"))));
        Assert.Equal(["c4"], Names(GuideExample().GetRequiredChannels(Event("state", "CZ "))));
    }

    [Fact]
    public void Reads_flume_selector_header_when_no_header_is_configured()
    {
        var selector = Selector([C1, C2], ("type", "multiplexing"), ("mapping.a", "c1"), ("default", "c2"));

        Assert.Equal(["c1"], Names(selector.GetRequiredChannels(Event("flume.selector.header", "a"))));
        Assert.Equal(["c2"], Names(selector.GetRequiredChannels(Event("state", "a"))));
    }

    [Fact]
    public void Without_a_default_an_unmapped_value_has_no_required_channel()
    {
        var selector = Selector([C1, C2], ("header", "h"), ("mapping.a", "c1"), ("optional.b", "c2"));

        Assert.Empty(selector.GetRequiredChannels(Event("h", "b")));
        Assert.Equal(["c2"], Names(selector.GetOptionalChannels(Event("h", "b"))));
    }

    [Fact]
    public void Optional_channels_exclude_those_already_required_for_the_value()
    {
        // As the user guide's CA example: mapped to c1, with c1 c2 optional; c1 stays required.
        var selector = GuideExample(("optional.CZ", "c1 c2"));

        Assert.Equal(["c1"], Names(selector.GetRequiredChannels(Event("state", "CZ"))));
        Assert.Equal(["c2"], Names(selector.GetOptionalChannels(Event("state", "CZ"))));
    }

    [Fact]
    public void A_value_with_only_optional_channels_goes_to_the_default_as_required_and_to_the_rest_as_optional()
    {
        var selector = GuideExample(("optional.FR", "c4 c3"));

        Assert.Equal(["c4"], Names(selector.GetRequiredChannels(Event("state", "FR"))));
        Assert.Equal(["c3"], Names(selector.GetOptionalChannels(Event("state", "FR"))));
        Assert.Empty(selector.GetOptionalChannels(Event("state", "DE")));
        Assert.Empty(selector.GetOptionalChannels(Event(null, null)));
    }

    [Fact]
    public void Returns_the_same_cached_lists_for_every_event()
    {
        var selector = GuideExample(("optional.US", "c1"));

        Assert.Same(selector.GetRequiredChannels(Event("state", "US")), selector.GetRequiredChannels(Event("state", "US")));
        Assert.Same(selector.GetOptionalChannels(Event("state", "US")), selector.GetOptionalChannels(Event("state", "US")));
        Assert.Same(selector.GetRequiredChannels(Event("state", "FR")), selector.GetRequiredChannels(Event(null, null)));
        Assert.Same(selector.GetOptionalChannels(Event("state", "FR")), selector.GetOptionalChannels(Event(null, null)));
    }

    [Theory]
    [InlineData("mapping.CZ", "c1 c9")]
    [InlineData("default", "c9")]
    [InlineData("optional.CZ", "c9")]
    public void A_channel_that_is_not_the_sources_is_an_error_naming_the_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Selector([C1, C2], ("header", "state"), (key, value)));

        Assert.Equal("a1.sources.r1.selector." + key, error.Key);
        Assert.Contains("'c9'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_to_no_channel_is_an_error()
    {
        var error = Assert.Throws<ConfigurationException>(() => Selector([C1], ("mapping.CZ", "  ")));

        Assert.Equal("a1.sources.r1.selector.mapping.CZ", error.Key);
    }

    [Fact]
    public async Task Through_the_channel_processor_a_full_optional_channel_does_not_fail_the_batch()
    {
        var required = Channel("req");
        var optional = Channel("opt", capacity: 1);
        var selector = Selector([required, optional], ("header", "kind"), ("mapping.audit", "req"), ("optional.audit", "opt"), ("default", "req"));
        var processor = new ChannelProcessor(selector, [], NullLogger<ChannelProcessor>.Instance);

        await processor.ProcessBatchAsync([Event("kind", "audit"), Event("kind", "audit"), Event("kind", "other")], CancellationToken.None);

        Assert.Equal(3, await CountAsync(required));
        Assert.Equal(0, await CountAsync(optional));
    }

    private static async Task<int> CountAsync(IChannel channel)
    {
        var count = 0;
        using var tx = channel.BeginTransaction();
        while (tx.Take() is { } e)
        {
            Assert.Equal("x", Encoding.UTF8.GetString(e.Body.Span));
            count++;
        }

        await tx.CommitAsync(CancellationToken.None);
        return count;
    }
}
