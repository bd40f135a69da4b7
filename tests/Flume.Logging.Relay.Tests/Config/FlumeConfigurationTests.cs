using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class FlumeConfigurationTests
{
    // The Flume user guide's "A simple example", unchanged.
    private const string SimpleExample = """
        # example.conf: A single-node Flume configuration

        # Name the components on this agent
        a1.sources = r1
        a1.sinks = k1
        a1.channels = c1

        # Describe/configure the source
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = localhost
        a1.sources.r1.port = 44444
        # Describe the sink
        a1.sinks.k1.type = logger

        # Use a channel which buffers events in memory
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 1000
        a1.channels.c1.transactionCapacity = 100

        # Bind the source and sink to the channel
        a1.sources.r1.channels = c1
        a1.sinks.k1.channel = c1
        """;

    // The spooling-directory example of a Flume study note ("예제"), unchanged.
    private const string SpoolDirExample = """
        a1.sources = source1
        a1.sinks = sink1
        a1.channels = c1

        a1.sources.source1.channels = c1
        a1.sinks.sink1.channel = c1

        a1.sources.source1.type = spooldir
        a1.sources.source1.spoolDir = /opt/homebrew/Cellar/flume/1.11.0/libexec/conf/spooldir

        a1.sinks.sink1.type = logger

        a1.channels.c1.type = file
        """;

    // A valid one-source, one-channel, one-sink agent that the validation tests break one key at a time.
    private const string Base = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = avro
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1

        """;

    private static IReadOnlyList<PropertyEntry> Parse(string text) =>
        PropertiesReader.Read(new StringReader(text), "flume.conf");

    private static AgentConfiguration Load(string text, string? agent = "a1") =>
        FlumeConfiguration.Load(Parse(text), agent);

    private static ConfigurationException LoadFails(string text, string? agent = "a1") =>
        Assert.Throws<ConfigurationException>(() => Load(text, agent));

    [Fact]
    public void Simple_example_loads_netcat_to_memory_to_logger()
    {
        var agent = Load(SimpleExample);

        Assert.Equal("a1", agent.Name);
        var source = Assert.Single(agent.Sources);
        Assert.Equal(("r1", "netcat"), (source.Name, source.Type));
        Assert.Equal(["c1"], source.Channels);
        Assert.Equal("localhost", source.Context.GetRequiredString("bind"));
        Assert.Equal(44444, source.Context.GetRequiredInt32("port"));
        Assert.Equal("a1.sources.r1.", source.Context.KeyPrefix);
        Assert.Equal("replicating", source.Selector.GetString("type"));
        Assert.Empty(source.Interceptors);

        var channel = Assert.Single(agent.Channels);
        Assert.Equal(("c1", "memory"), (channel.Name, channel.Type));
        Assert.Equal(1000, channel.Context.GetInt32("capacity", 0));
        Assert.Equal(100, channel.Context.GetInt32("transactionCapacity", 0));

        var sink = Assert.Single(agent.Sinks);
        Assert.Equal(("k1", "logger", "c1"), (sink.Name, sink.Type, sink.Channel));

        Assert.Empty(agent.SinkGroups);
        Assert.Empty(agent.AgentProperties);
        Assert.Empty(agent.Warnings);
    }

    [Fact]
    public void Spooldir_example_loads()
    {
        var agent = Load(SpoolDirExample, agent: null);

        var source = Assert.Single(agent.Sources);
        Assert.Equal(("source1", "spooldir"), (source.Name, source.Type));
        Assert.Equal("/opt/homebrew/Cellar/flume/1.11.0/libexec/conf/spooldir", source.Context.GetString("spoolDir"));
        Assert.Equal(("c1", "file"), (agent.Channels[0].Name, agent.Channels[0].Type));
        Assert.Equal(("sink1", "logger", "c1"), (agent.Sinks[0].Name, agent.Sinks[0].Type, agent.Sinks[0].Channel));
        Assert.Empty(agent.Warnings);
    }

    private const string TwoAgents = """
        web.sources = tail
        web.channels = mem
        web.sinks = fwd
        web.sources.tail.type = exec
        web.sources.tail.channels = mem
        web.channels.mem.type = memory
        web.sinks.fwd.type = avro
        web.sinks.fwd.channel = mem

        collector.sources = in
        collector.channels = disk
        collector.sinks = out
        collector.sources.in.type = avro
        collector.sources.in.channels = disk
        collector.channels.disk.type = file
        collector.sinks.out.type = logger
        collector.sinks.out.channel = disk
        """;

    [Fact]
    public void Agent_names_are_listed_in_order_of_appearance()
    {
        Assert.Equal(["web", "collector"], FlumeConfiguration.AgentNames(Parse(TwoAgents + "\nnodot = 1\n.x = 2\ny. = 3\n")));
    }

    [Fact]
    public void Two_agent_file_loads_the_agent_asked_for()
    {
        var collector = Load(TwoAgents, "collector");
        var web = Load(TwoAgents, "web");

        Assert.Equal(("collector", "in", "disk", "out"), (collector.Name, collector.Sources[0].Name, collector.Channels[0].Name, collector.Sinks[0].Name));
        Assert.Equal(("web", "tail", "mem", "fwd"), (web.Name, web.Sources[0].Name, web.Channels[0].Name, web.Sinks[0].Name));
        Assert.Empty(collector.Warnings);
    }

    [Fact]
    public void Two_agent_file_without_a_name_lists_the_agents()
    {
        var error = LoadFails(TwoAgents, agent: null);

        Assert.Equal("several agents are defined in flume.conf (web, collector): choose one by name (--name)", error.Message);
    }

    [Fact]
    public void Unknown_agent_lists_the_agents_that_are_defined()
    {
        var error = LoadFails(TwoAgents, agent: "a1");

        Assert.Equal(
            "agent 'a1' is not defined in flume.conf (no key starts with 'a1.'); defined agents: web, collector", error.Message);
    }

    [Fact]
    public void Empty_file_says_no_agent_is_defined()
    {
        var error = LoadFails("# nothing here\n", agent: null);

        Assert.Contains("no agent is defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_agent_is_used_when_no_name_is_given()
    {
        Assert.Equal("a1", Load(SimpleExample, agent: null).Name);
    }

    [Theory]
    // A listed component needs a type.
    [InlineData("a1.sources.r1.type", "a1.sources.r1.type = avro", "", "flume.conf:1")]
    [InlineData("a1.channels.c1.type", "a1.channels.c1.type = memory", "", "flume.conf:2")]
    [InlineData("a1.sinks.k1.type", "a1.sinks.k1.type = logger", "", "flume.conf:3")]
    [InlineData("a1.sources.r1.type", "a1.sources.r1.type = avro", "a1.sources.r1.type =   ", "flume.conf:8")]
    // A source feeds declared channels.
    [InlineData("a1.sources.r1.channels", "a1.sources.r1.channels = c1", "", "flume.conf:1")]
    [InlineData("a1.sources.r1.channels", "a1.sources.r1.channels = c1", "a1.sources.r1.channels = c1 c9", "flume.conf:8")]
    [InlineData("a1.sources.r1.channels", "a1.sources.r1.channels = c1", "a1.sources.r1.channels = c1 c1", "flume.conf:8")]
    // A sink drains one declared channel.
    [InlineData("a1.sinks.k1.channel", "a1.sinks.k1.channel = c1", "", "flume.conf:3")]
    [InlineData("a1.sinks.k1.channel", "a1.sinks.k1.channel = c1", "a1.sinks.k1.channel = c2", "flume.conf:8")]
    [InlineData("a1.sinks.k1.channel", "a1.sinks.k1.channel = c1", "a1.sinks.k1.channel = c1 c1", "flume.conf:8")]
    // Lists name each component once, and there is a channel to run.
    [InlineData("a1.sources", "a1.sources = r1", "a1.sources = r1 r1", "flume.conf:8")]
    [InlineData("a1.channels", "a1.channels = c1", "a1.channels = c1 c1", "flume.conf:8")]
    [InlineData("a1.sinks", "a1.sinks = k1", "a1.sinks = k1 k1", "flume.conf:8")]
    [InlineData("a1.channels", "a1.channels = c1", "a1.channels =", "flume.conf:8")]
    public void Invalid_flow_names_the_exact_key_and_line(string key, string removed, string added, string location)
    {
        var text = Base.Replace(removed + "\n", "", StringComparison.Ordinal) + added + "\n";

        var error = LoadFails(text);

        Assert.Equal(key, error.Key);
        Assert.StartsWith(location + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(key + " ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_type_points_at_the_list_that_declared_the_component()
    {
        var error = LoadFails(Base.Replace("a1.sources.r1.type = avro\n", "", StringComparison.Ordinal));

        Assert.Equal(
            "flume.conf:1: a1.sources.r1.type is required: source 'r1' is listed in a1.sources but has no type",
            error.Message);
    }

    [Theory]
    [InlineData("a1.sources.r1.channels = c1", "a1.sources.r1.channel = c1",
        "flume.conf:8: a1.sources.r1.channel is not a source property: a source lists its channels in a1.sources.r1.channels")]
    [InlineData("a1.sinks.k1.channel = c1", "a1.sinks.k1.channels = c1",
        "flume.conf:8: a1.sinks.k1.channels is not a sink property: a sink names the one channel it drains in a1.sinks.k1.channel")]
    public void A_channel_key_in_the_other_components_spelling_is_named_at_its_line(string removed, string added, string message)
    {
        var error = LoadFails(Base.Replace(removed + "\n", "", StringComparison.Ordinal) + added + "\n");

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_list_written_with_commas_is_one_name_and_the_error_says_so()
    {
        var error = LoadFails(Base.Replace("a1.channels = c1", "a1.channels = c1,c2", StringComparison.Ordinal));

        Assert.Equal(
            "flume.conf:2: a1.channels.c1,c2.type is required: channel 'c1,c2' is listed in a1.channels but has no type (Flume separates the names of a list with spaces, not commas)",
            error.Message);
    }

    [Fact]
    public void Undeclared_channel_is_named_with_the_declared_ones()
    {
        var error = LoadFails(Base + "a1.sources.r1.channels = c1 c9\n");

        Assert.Equal(
            "flume.conf:9: a1.sources.r1.channels names channel 'c9', which is not declared in a1.channels (c1)",
            error.Message);
    }

    [Fact]
    public void Agent_without_channels_is_refused()
    {
        var error = LoadFails("a1.sources = r1\na1.sources.r1.type = avro\na1.sources.r1.channels = c1\n");

        Assert.Equal("a1.channels", error.Key);
        Assert.Contains("a1.channels is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_without_sources_and_sinks_is_refused()
    {
        var error = LoadFails("a1.channels = c1\na1.channels.c1.type = memory\n");

        Assert.Equal("a1.sources", error.Key);
        Assert.Contains("neither sources (a1.sources) nor sinks (a1.sinks)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sink_in_two_groups_is_refused()
    {
        var text = Base + "a1.sinks = k1 k2\na1.sinks.k2.type = logger\na1.sinks.k2.channel = c1\n" +
            "a1.sinkgroups = g1 g2\na1.sinkgroups.g1.sinks = k1 k2\na1.sinkgroups.g2.sinks = k2\n";

        var error = LoadFails(text);

        Assert.Equal("a1.sinkgroups.g2.sinks", error.Key);
        Assert.Equal(
            "flume.conf:14: a1.sinkgroups.g2.sinks names sink 'k2', which is already in sink group 'g1' (a1.sinkgroups.g1.sinks); a sink belongs to at most one group",
            error.Message);
    }

    [Fact]
    public void Sink_group_naming_an_undeclared_sink_is_refused()
    {
        var error = LoadFails(Base + "a1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1 k7\n");

        Assert.Equal("a1.sinkgroups.g1.sinks", error.Key);
        Assert.Contains("names sink 'k7', which is not declared in a1.sinks (k1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sink_group_without_sinks_is_refused()
    {
        var error = LoadFails(Base + "a1.sinkgroups = g1\na1.sinkgroups.g1.processor.type = failover\n");

        Assert.Equal("a1.sinkgroups.g1.sinks", error.Key);
        Assert.StartsWith("flume.conf:9: a1.sinkgroups.g1.sinks is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sink_group_listing_a_sink_twice_is_refused()
    {
        var error = LoadFails(Base + "a1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1 k1\n");

        Assert.Equal("flume.conf:10: a1.sinkgroups.g1.sinks lists 'k1' more than once", error.Message);
    }

    [Fact]
    public void Duplicate_sink_group_is_refused()
    {
        var error = LoadFails(Base + "a1.sinkgroups = g1 g1\na1.sinkgroups.g1.sinks = k1\n");

        Assert.Equal("flume.conf:9: a1.sinkgroups lists 'g1' more than once", error.Message);
    }

    [Theory]
    [InlineData("selector.optional", "a1.sources.r1.selector.optional = c2")]
    [InlineData("selector.default", "a1.sources.r1.selector.type = multiplexing\na1.sources.r1.selector.default = c2")]
    [InlineData("selector.mapping.CA", "a1.sources.r1.selector.type = Multiplexing\na1.sources.r1.selector.mapping.CA = c1 c2")]
    [InlineData("selector.optional.NY", "a1.sources.r1.selector.type = multiplexing\na1.sources.r1.selector.optional.NY = c2")]
    public void Selector_naming_a_channel_the_source_does_not_feed_is_refused(string key, string lines)
    {
        var text = Base + "a1.channels = c1 c2\na1.channels.c2.type = memory\n" + lines + "\n";

        var error = LoadFails(text);

        Assert.Equal("a1.sources.r1." + key, error.Key);
        Assert.Contains(
            $"a1.sources.r1.{key} names channel 'c2', which is not one of the source's channels (c1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_selector_keys_are_not_checked_as_channels()
    {
        var agent = Load(Base + "a1.sources.r1.selector.type = com.example.MySelector\na1.sources.r1.selector.default = anything\n");

        Assert.Equal("com.example.MySelector", agent.Sources[0].Selector.GetString("type"));
    }

    [Fact]
    public void Interceptor_without_type_is_refused()
    {
        var error = LoadFails(Base + "a1.sources.r1.interceptors = i1 i2\na1.sources.r1.interceptors.i1.type = host\n");

        Assert.Equal("a1.sources.r1.interceptors.i2.type", error.Key);
        Assert.Equal(
            "flume.conf:9: a1.sources.r1.interceptors.i2.type is required: interceptor 'i2' is listed in a1.sources.r1.interceptors but has no type",
            error.Message);
    }

    [Fact]
    public void Duplicate_interceptor_is_refused()
    {
        var error = LoadFails(Base + "a1.sources.r1.interceptors = i1 i1\na1.sources.r1.interceptors.i1.type = host\n");

        Assert.Equal("a1.sources.r1.interceptors", error.Key);
    }

    [Fact]
    public void Multiplexing_selector_of_the_user_guide_loads_with_the_last_duplicate_winning()
    {
        var text = """
            agent_foo.sources = avro-AppSrv-source1
            agent_foo.sinks = hdfs-Cluster1-sink1 avro-forward-sink2
            agent_foo.channels = mem-channel-1 file-channel-2
            agent_foo.sources.avro-AppSrv-source1.type = avro
            agent_foo.channels.mem-channel-1.type = memory
            agent_foo.channels.file-channel-2.type = file
            agent_foo.sinks.hdfs-Cluster1-sink1.type = hdfs
            agent_foo.sinks.avro-forward-sink2.type = avro
            agent_foo.sources.avro-AppSrv-source1.channels = mem-channel-1 file-channel-2
            agent_foo.sinks.hdfs-Cluster1-sink1.channel = mem-channel-1
            agent_foo.sinks.avro-forward-sink2.channel = file-channel-2
            agent_foo.sources.avro-AppSrv-source1.selector.type = multiplexing
            agent_foo.sources.avro-AppSrv-source1.selector.header = State
            agent_foo.sources.avro-AppSrv-source1.selector.mapping.CA = mem-channel-1
            agent_foo.sources.avro-AppSrv-source1.selector.mapping.AZ = file-channel-2
            agent_foo.sources.avro-AppSrv-source1.selector.mapping.NY = mem-channel-1 file-channel-2
            agent_foo.sources.avro-AppSrv-source1.selector.optional.CA = mem-channel-1 file-channel-2
            agent_foo.sources.avro-AppSrv-source1.selector.mapping.AZ = file-channel-2
            agent_foo.sources.avro-AppSrv-source1.selector.default = mem-channel-1
            """;

        var agent = Load(text, "agent_foo");

        var selector = agent.Sources[0].Selector;
        Assert.Equal("agent_foo.sources.avro-AppSrv-source1.selector.", selector.KeyPrefix);
        Assert.Equal("multiplexing", selector.GetString("type"));
        Assert.Equal("State", selector.GetString("header"));
        Assert.Equal(["mem-channel-1", "file-channel-2"], selector.GetList("mapping.NY"));
        Assert.Equal(["mem-channel-1", "file-channel-2"], selector.GetList("optional.CA"));
        Assert.Equal(7, selector.Properties.Count);
        Assert.Equal(["hdfs-Cluster1-sink1", "avro-forward-sink2"], agent.Sinks.Select(s => s.Name));
    }

    [Fact]
    public void Sink_group_loads_with_its_processor_settings()
    {
        var text = Base + """
            a1.sinks = k1 k2
            a1.sinks.k2.type = avro
            a1.sinks.k2.channel = c1
            a1.sinkgroups = g1
            a1.sinkgroups.g1.sinks = k2 k1
            a1.sinkgroups.g1.processor.type = failover
            a1.sinkgroups.g1.processor.priority.k1 = 5
            a1.sinkgroups.g1.processor.priority.k2 = 10
            a1.sinkgroups.g1.processor.maxpenalty = 10000
            """;

        var group = Assert.Single(Load(text).SinkGroups);

        Assert.Equal("g1", group.Name);
        Assert.Equal(["k2", "k1"], group.Sinks);
        Assert.Equal("failover", group.Processor.GetString("type"));
        Assert.Equal(10, group.Processor.GetInt32("priority.k2", 0));
        Assert.Equal(TimeSpan.FromSeconds(10), group.Processor.GetMilliseconds("maxpenalty", TimeSpan.Zero));
        Assert.Equal("a1.sinkgroups.g1.processor.", group.Processor.KeyPrefix);
    }

    [Fact]
    public void Sink_group_processor_type_defaults_to_default()
    {
        var group = Assert.Single(Load(Base + "a1.sinkgroups = g1\na1.sinkgroups.g1.sinks = k1\n").SinkGroups);

        Assert.Equal("default", group.Processor.GetString("type"));
    }

    [Fact]
    public void Types_and_selector_type_are_trimmed()
    {
        var text = Base.Replace("memory", "memory \t", StringComparison.Ordinal) + "a1.sources.r1.selector.type = multiplexing  \n";

        var agent = Load(text);

        Assert.Equal("memory", agent.Channels[0].Type);
        Assert.Equal("multiplexing", agent.Sources[0].Selector.GetString("type"));
        Assert.Equal("memory \t", agent.Channels[0].Context.GetString("type"));
    }

    [Fact]
    public void Interceptors_are_listed_in_order_with_their_subtree()
    {
        var text = Base + """
            a1.sources.r1.interceptors = ts host
            a1.sources.r1.interceptors.host.type = host
            a1.sources.r1.interceptors.host.hostHeader = hostname
            a1.sources.r1.interceptors.ts.type = timestamp
            """;

        var source = Load(text).Sources[0];

        Assert.Equal(["ts", "host"], source.Interceptors);
        Assert.Equal("a1.sources.r1.interceptors.", source.InterceptorsContext.KeyPrefix);
        Assert.Equal("hostname", source.InterceptorsContext.GetSubContext("host.").GetString("hostHeader"));
    }

    [Fact]
    public void A_channel_no_sink_drains_is_warned_about_naming_its_sources_and_an_unused_one_too()
    {
        var text = """
            a1.sources = r1 r2
            a1.channels = c1 c2 c3
            a1.sinks = k1
            a1.sources.r1.type = avro
            a1.sources.r1.channels = c1 c2
            a1.sources.r2.type = avro
            a1.sources.r2.channels = c2
            a1.channels.c1.type = memory
            a1.channels.c2.type = memory
            a1.channels.c3.type = file
            a1.sinks.k1.type = logger
            a1.sinks.k1.channel = c1
            """;

        var agent = Load(text);

        Assert.Equal(
            [
                "flume.conf:9: channel c2 has no sink (a1.sinks.<name>.channel = c2): once full, every put to it fails, " +
                "and sources r1 r2 refuse events for good",
                "flume.conf:10: channel c3 is unused: no source feeds it and no sink drains it",
            ],
            agent.Warnings);
    }

    [Fact]
    public void A_Kafka_channel_without_a_sink_is_a_way_to_write_to_its_topic_and_is_not_warned_about()
    {
        var text = """
            a1.sources = r1
            a1.channels = c1
            a1.sources.r1.type = avro
            a1.sources.r1.channels = c1
            a1.channels.c1.type = org.apache.flume.channel.kafka.KafkaChannel
            """;

        Assert.Empty(Load(text).Warnings);
    }

    [Fact]
    public void An_agent_key_flume_does_not_read_is_warned_about_with_the_nearest_list()
    {
        var agent = Load(Base + "a1.sink = k2\na1.sink.k2.type = null\na1.configfilters = f1\na1.configfilters.f1.type = env\n");

        Assert.Equal(
            [
                "flume.conf:9: a1.sink is not a key Flume reads and is ignored; did you mean a1.sinks?",
                "flume.conf:10: a1.sink.k2.type is not a key Flume reads and is ignored; did you mean a1.sinks?",
            ],
            agent.Warnings);
    }

    [Fact]
    public void Keys_of_unlisted_components_are_ignored_with_a_warning()
    {
        var text = Base + """
            a1.sources.r9.type = netcat
            a1.sources.r9.port = 1
            a1.channels.c9.type = memory
            a1.sinks.k9.type = logger
            a1.sinkgroups.g9.sinks = k1
            a1.sources.r1.interceptors.i9.type = host
            a1.sources.r1
            """;

        var agent = Load(text);

        // Malformed keys are found while classifying, unlisted interceptors while building the source, and
        // unlisted components last, kind by kind.
        Assert.Equal(
            [
                "flume.conf:15: key 'a1.sources.r1' ignored: expected a1.sources.<name>.<property>",
                "flume.conf:14: keys a1.sources.r1.interceptors.i9.* ignored: 'i9' is not listed in a1.sources.r1.interceptors",
                "flume.conf:9: keys a1.sources.r9.* ignored: 'r9' is not listed in a1.sources",
                "flume.conf:11: keys a1.channels.c9.* ignored: 'c9' is not listed in a1.channels",
                "flume.conf:12: keys a1.sinks.k9.* ignored: 'k9' is not listed in a1.sinks",
                "flume.conf:13: keys a1.sinkgroups.g9.* ignored: 'g9' is not listed in a1.sinkgroups",
            ],
            agent.Warnings);
        Assert.Single(agent.Sources);
        Assert.Single(agent.Channels);
    }

    [Fact]
    public void Keys_without_an_agent_prefix_are_ignored_with_a_warning()
    {
        var agent = Load("nodot = 1\n" + Base);

        Assert.Equal(["flume.conf:1: key 'nodot' ignored: it does not start with an agent name and a dot"], agent.Warnings);
    }

    [Fact]
    public void Other_agent_keys_are_kept_as_agent_properties()
    {
        var agent = Load(Base + "a1.configfilters = f1\na1.configfilters.f1.type = env\nother.sources = x\n");

        Assert.Equal(2, agent.AgentProperties.Count);
        Assert.Equal("f1", agent.AgentProperties["configfilters"]);
        Assert.Equal("env", agent.AgentProperties["configfilters.f1.type"]);
    }

    [Fact]
    public void Components_keep_the_order_of_their_lists()
    {
        var text = Base + """
            a1.channels = c2 c1
            a1.channels.c2.type = file
            a1.sources = r2 r1
            a1.sources.r2.type = http
            a1.sources.r2.channels = c2 c1
            """;

        var agent = Load(text);

        Assert.Equal(["c2", "c1"], agent.Channels.Select(c => c.Name));
        Assert.Equal(["r2", "r1"], agent.Sources.Select(s => s.Name));
        Assert.Equal(["c2", "c1"], agent.Sources[0].Channels);
    }

    [Fact]
    public void Source_only_agent_loads()
    {
        var text = Base.Replace("a1.sinks = k1\n", "", StringComparison.Ordinal);

        var agent = Load(text);

        Assert.Empty(agent.Sinks);
        Assert.Contains(agent.Warnings, w => w.Contains("a1.sinks.k1.*", StringComparison.Ordinal));
    }
}
