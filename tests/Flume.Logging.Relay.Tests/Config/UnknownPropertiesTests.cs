using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class UnknownPropertiesTests
{
    private const string Flow = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1 k2
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 4545
        a1.sources.r1.channels = c1
        a1.sources.r1.selector.type = replicating
        a1.sources.r1.interceptors = i1
        a1.sources.r1.interceptors.i1.type = timestamp
        a1.sources.r1.interceptors.i1.whatever = kept for the interceptor
        a1.channels.c1.type = memory
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        a1.sinks.k2.type = file_roll
        a1.sinks.k2.channel = c1
        a1.sinks.k2.sink.directory = /tmp
        a1.sinks.k2.sink.serializer = text
        a1.sinks.k2.sink.serializer.appendNewline = false

        """;

    private static async Task<IReadOnlyList<string>> WarningsAsync(string text)
    {
        var configuration = FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "flume.conf"), "a1");
        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System));
        return agent.PropertyWarnings;
    }

    [Fact]
    public async Task A_mistyped_property_is_reported_with_its_line_and_the_closest_known_one()
    {
        var warnings = await WarningsAsync(Flow + "a1.channels.c1.capacty = 10\n");

        var warning = Assert.Single(warnings);
        Assert.Equal(
            "flume.conf:20: a1.channels.c1.capacty is not a property of channel c1 (memory) and is ignored; did you mean capacity?",
            warning);
    }

    [Fact]
    public async Task A_property_far_from_every_known_one_is_reported_without_a_guess()
    {
        var warning = Assert.Single(await WarningsAsync(Flow + "a1.sinks.k1.zzzzzz = 1\n"));

        Assert.EndsWith("a1.sinks.k1.zzzzzz is not a property of sink k1 (logger) and is ignored", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_under_selector_interceptors_and_serializer_prefixes_are_not_reported()
    {
        Assert.Empty(await WarningsAsync(Flow));
    }
}
