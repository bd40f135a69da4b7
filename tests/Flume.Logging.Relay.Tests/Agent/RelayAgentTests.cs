using System.Collections.Concurrent;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Agent;

public sealed class RelayAgentTests
{
    private readonly CapturingLoggerFactory _logs = new();

    private static AgentConfiguration Load(string text) =>
        FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), null);

    private RelayAgent Build(string text) =>
        RelayAgent.Build(Load(text), ComponentRegistry.CreateDefault(), new ComponentServices(_logs, TimeProvider.System));

    private static string SeqToCustomSink(int count, string extra = "") => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = seq
        a1.sources.r1.totalEvents = {count}
        a1.sources.r1.batchSize = 10
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 1000
        a1.sinks.k1.type = {typeof(RecordingSink).AssemblyQualifiedName}
        a1.sinks.k1.channel = c1
        {extra}
        """;

    [Fact]
    public async Task Custom_components_load_by_dotnet_type_name_and_receive_every_event()
    {
        RecordingSink.Reset();
        await using var agent = Build(SeqToCustomSink(500));
        await agent.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => RecordingSink.Bodies.Count == 500, "500 events at the custom sink");
        Assert.Equal(Enumerable.Range(0, 500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), RecordingSink.Bodies.Order());
    }

    [Fact]
    public async Task Interceptors_load_by_dotnet_type_name_and_see_every_event()
    {
        RecordingSink.Reset();
        var text = SeqToCustomSink(20, $"""
            a1.sources.r1.interceptors = tag
            a1.sources.r1.interceptors.tag.type = {typeof(TaggingInterceptor).AssemblyQualifiedName}
            a1.sources.r1.interceptors.tag.value = blue
            """);
        await using var agent = Build(text);
        await agent.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => RecordingSink.Headers.Count == 20, "20 tagged events");
        Assert.All(RecordingSink.Headers, h => Assert.Equal("blue", h["color"]));
    }

    [Fact]
    public async Task Stop_drains_the_channel_through_the_sinks_before_returning()
    {
        RecordingSink.Reset();
        RecordingSink.Gate = new SemaphoreSlim(0);
        await using var agent = Build(SeqToCustomSink(300));
        await agent.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => agent.Channels[0] is MemoryChannel { Size: 300 }, "the channel to fill");

        RecordingSink.Gate.Release(int.MaxValue / 2);
        await agent.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(300, RecordingSink.Bodies.Count);
        Assert.Equal(0, ((MemoryChannel)agent.Channels[0]).Size);
    }

    [Fact]
    public void An_unknown_type_names_the_key_and_the_known_aliases()
    {
        var error = Assert.Throws<ConfigurationException>(() => Build(SeqToCustomSink(1).Replace(typeof(RecordingSink).AssemblyQualifiedName!, "hfds", StringComparison.Ordinal)));

        Assert.Contains("a1.sinks.k1.type", error.Message, StringComparison.Ordinal);
        Assert.Contains("'hfds'", error.Message, StringComparison.Ordinal);
        Assert.Contains("logger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_that_is_not_a_sink_is_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Build(SeqToCustomSink(1).Replace(typeof(RecordingSink).AssemblyQualifiedName!, typeof(TaggingInterceptor).AssemblyQualifiedName!, StringComparison.Ordinal)));

        Assert.Contains("does not implement", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Option_cross_checks_name_the_key_and_line()
    {
        var error = Assert.Throws<ConfigurationException>(() => Build(SeqToCustomSink(1, "a1.channels.c1.transactionCapacity = 5000")));

        Assert.Contains("a1.channels.c1.transactionCapacity", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.properties:", error.Message, StringComparison.Ordinal);
    }

    private static string SeqToNull(string extra) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = seq
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        {extra}
        """;

    [Fact]
    public void A_sink_batch_larger_than_its_channels_transactionCapacity_is_refused_naming_the_channel_key_as_in_Flume()
    {
        // The memory channel's transactionCapacity defaults to 100: a take of 200 could never commit.
        var error = Assert.Throws<ConfigurationException>(() => Build(SeqToNull("a1.sinks.k1.batchSize = 200")));

        Assert.Contains("a1.channels.c1.transactionCapacity (100)", error.Message, StringComparison.Ordinal);
        Assert.Contains("200 events sink k1 takes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_batch_larger_than_a_channels_transactionCapacity_is_refused_with_the_line_of_that_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => Build(SeqToNull("""
            a1.sources.r1.batchSize = 10
            a1.channels.c1.transactionCapacity = 5
            a1.sinks.k1.batchSize = 5
            """)));

        Assert.Contains("a1.channels.c1.transactionCapacity (5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("10 events source r1 puts", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.properties:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_equal_to_the_transactionCapacity_is_accepted()
    {
        await using var agent = Build(SeqToNull("""
            a1.sources.r1.batchSize = 100
            a1.sinks.k1.batchSize = 100
            """));

        Assert.Single(agent.Channels);
    }

    [Fact]
    public void A_default_sink_group_takes_exactly_one_sink()
    {
        var text = SeqToCustomSink(1).Replace("a1.sinks = k1", "a1.sinks = k1 k2", StringComparison.Ordinal) + """

            a1.sinks.k2.type = null
            a1.sinks.k2.channel = c1
            a1.sinkgroups = g1
            a1.sinkgroups.g1.sinks = k1 k2
            """;

        var error = Assert.Throws<ConfigurationException>(() => Build(text));
        Assert.Contains("a1.sinkgroups.g1.processor.type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_requested_on_an_rpc_source_without_a_keystore_is_refused_naming_the_key()
    {
        var text = """
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = avro
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 0
            a1.sources.r1.ssl = true
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            a1.sinks.k1.type = null
            a1.sinks.k1.channel = c1
            """;

        var error = Assert.Throws<ConfigurationException>(() => Build(text));
        Assert.Contains("a1.sources.r1.keystore", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("avro", "a1.sources.r1.keystore", "test.properties:8: a1.sources.r1.keystore /nonexistent/server.p12 cannot be read: ")]
    [InlineData("thrift", "a1.sources.r1.keystore", "test.properties:8: a1.sources.r1.keystore /nonexistent/server.p12 cannot be read: ")]
    [InlineData("avro", "a1.sinks.k1.truststore", "test.properties:15: a1.sinks.k1.truststore /nonexistent/ca.jks cannot be read: ")]
    [InlineData("thrift", "a1.sinks.k1.truststore", "test.properties:15: a1.sinks.k1.truststore /nonexistent/ca.jks cannot be read: ")]
    public void A_tls_store_that_cannot_be_read_is_refused_at_its_own_key_and_line(string type, string key, string start)
    {
        var text = $"""
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = {type}
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 0
            a1.sources.r1.ssl = {key.Contains("sources", StringComparison.Ordinal)}
            a1.sources.r1.keystore = /nonexistent/server.p12
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            a1.sinks.k1.type = {type}
            a1.sinks.k1.hostname = 127.0.0.1
            a1.sinks.k1.port = 1
            a1.sinks.k1.ssl = {key.Contains("sinks", StringComparison.Ordinal)}
            a1.sinks.k1.truststore = /nonexistent/ca.jks
            a1.sinks.k1.channel = c1
            """;

        var error = Assert.Throws<ConfigurationException>(() => Build(text));

        Assert.Equal(key, error.Key);
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    public sealed class RecordingSink(SinkBuildContext context) : ISink
    {
        public static ConcurrentQueue<string> Bodies { get; private set; } = new();

        public static ConcurrentQueue<IDictionary<string, string>> Headers { get; private set; } = new();

        public static SemaphoreSlim? Gate { get; set; }

        public string Name => context.Name;

        public static void Reset()
        {
            Bodies = new();
            Headers = new();
            Gate = null;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
        {
            if (Gate is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
            }

            using var tx = context.Channel.BeginTransaction();
            var taken = new List<FlumeEvent>();
            while (taken.Count < 50 && tx.Take() is { } e)
            {
                taken.Add(e);
            }

            await tx.CommitAsync(cancellationToken);
            foreach (var e in taken)
            {
                Bodies.Enqueue(Encoding.UTF8.GetString(e.Body.Span));
                Headers.Enqueue(e.Headers);
            }

            return taken.Count == 0 ? SinkStatus.Backoff : SinkStatus.Ready;
        }
    }

    public sealed class TaggingInterceptor(InterceptorBuildContext context) : IInterceptor
    {
        private readonly string _value = context.Properties.GetRequiredString("value");

        public FlumeEvent? Intercept(FlumeEvent flumeEvent)
        {
            flumeEvent.Headers["color"] = _value;
            return flumeEvent;
        }
    }
}
