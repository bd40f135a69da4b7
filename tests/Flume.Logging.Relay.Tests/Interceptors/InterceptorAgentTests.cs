using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class InterceptorAgentTests
{
    // A seq source's bodies are 0, 1, 2, ...: every interceptor, by alias or by Flume's builder class name, in order.
    private const string Config = """
        a1.sources = r1
        a1.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 1000
        a1.sources.r1.type = seq
        a1.sources.r1.totalEvents = 20
        a1.sources.r1.batchSize = 5
        a1.sources.r1.channels = c1
        a1.sources.r1.interceptors = odd ts host dc drop id digit rewrite
        a1.sources.r1.interceptors.odd.type = regex_filter
        a1.sources.r1.interceptors.odd.regex = [13579]$
        a1.sources.r1.interceptors.odd.excludeEvents = true
        a1.sources.r1.interceptors.ts.type = timestamp
        a1.sources.r1.interceptors.host.type = org.apache.flume.interceptor.HostInterceptor$Builder
        a1.sources.r1.interceptors.host.hostHeader = hostname
        a1.sources.r1.interceptors.dc.type = org.apache.flume.interceptor.StaticInterceptor$Builder
        a1.sources.r1.interceptors.dc.key = datacenter
        a1.sources.r1.interceptors.dc.value = NEW_YORK
        a1.sources.r1.interceptors.drop.type = org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder
        a1.sources.r1.interceptors.drop.withName = timestamp
        a1.sources.r1.interceptors.id.type = uuid
        a1.sources.r1.interceptors.digit.type = org.apache.flume.interceptor.RegexExtractorInterceptor$Builder
        a1.sources.r1.interceptors.digit.regex = (\\d)$
        a1.sources.r1.interceptors.digit.serializers = s1
        a1.sources.r1.interceptors.digit.serializers.s1.name = last
        a1.sources.r1.interceptors.rewrite.type = org.apache.flume.interceptor.SearchAndReplaceInterceptor$Builder
        a1.sources.r1.interceptors.rewrite.searchPattern = ^
        a1.sources.r1.interceptors.rewrite.replaceString = n
        """;

    [Fact]
    public async Task Configured_interceptors_run_in_order_on_every_event_before_the_channel()
    {
        var configuration = FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(Config), "test.properties"), "a1");
        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System));
        await agent.StartAsync(CancellationToken.None);

        var channel = (MemoryChannel)agent.Channels[0];
        await Eventually.TrueAsync(() => channel.Size == 10, "the 10 even-numbered events in the channel");
        var events = await DrainAsync(channel);

        Assert.Equal(["n0", "n10", "n12", "n14", "n16", "n18", "n2", "n4", "n6", "n8"], events.Select(Body).Order(StringComparer.Ordinal));
        var host = HostInterceptor.LocalHost(useIp: true);
        Assert.All(events, e =>
        {
            Assert.Equal(host, e.Headers["hostname"]);
            Assert.Equal("NEW_YORK", e.Headers["datacenter"]);
            Assert.False(e.Headers.ContainsKey("timestamp"));
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", e.Headers["id"]);
            Assert.Equal(Body(e)[^1..], e.Headers["last"]);
        });
        Assert.Equal(10, events.Select(e => e.Headers["id"]).Distinct().Count());
    }

    [Fact]
    public async Task Timestamp_by_class_name_stamps_events_with_the_agent_clock()
    {
        var text = Config
            .Replace("odd ts host dc drop id digit rewrite", "ts", StringComparison.Ordinal)
            .Replace("ts.type = timestamp", "ts.type = org.apache.flume.interceptor.TimestampInterceptor$Builder", StringComparison.Ordinal);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var configuration = FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), "a1");
        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System));
        await agent.StartAsync(CancellationToken.None);

        var channel = (MemoryChannel)agent.Channels[0];
        await Eventually.TrueAsync(() => channel.Size == 20, "20 events in the channel");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.All(await DrainAsync(channel), e => Assert.InRange(long.Parse(e.Headers["timestamp"], CultureInfo.InvariantCulture), before, after));
    }

    [Fact]
    public void An_invalid_interceptor_regex_stops_the_agent_from_building_and_names_the_key()
    {
        var configuration = FlumeConfiguration.Load(
            PropertiesReader.Read(new StringReader(Config.Replace("odd.regex = [13579]$", "odd.regex = [13579$", StringComparison.Ordinal)), "test.properties"), "a1");

        var error = Assert.Throws<ConfigurationException>(() => RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System)));

        Assert.Equal("a1.sources.r1.interceptors.odd.regex", error.Key);
        Assert.StartsWith("test.properties:11: ", error.Message, StringComparison.Ordinal);
    }

    private static string Body(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    private static async Task<List<FlumeEvent>> DrainAsync(MemoryChannel channel)
    {
        var events = new List<FlumeEvent>();
        using var transaction = channel.BeginTransaction();
        while (transaction.Take() is { } e)
        {
            events.Add(e);
        }

        await transaction.CommitAsync(CancellationToken.None);
        return events;
    }
}
