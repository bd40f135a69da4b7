using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;

namespace Flume.Logging.Relay.Tests.Metrics;

public sealed class MonitoringOptionsTests
{
    private const string Agent = """
        a1.sources = r1
        a1.channels = c1
        a1.sources.r1.type = seq
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        """;

    private static IReadOnlyList<PropertyEntry> Entries(string text) => PropertiesReader.Read(new StringReader(text), "relay.properties");

    private static readonly Dictionary<string, string> NoSystemProperties = [];

    [Fact]
    public void Monitoring_is_off_unless_asked_for() =>
        Assert.Null(MonitoringOptions.From(Entries(Agent), NoSystemProperties, null));

    [Fact]
    public void System_properties_use_Flumes_spelling_and_default_to_loopback()
    {
        var options = MonitoringOptions.From(
            Entries(Agent), new Dictionary<string, string> { ["flume.monitoring.type"] = "http", ["flume.monitoring.port"] = "34545" }, null);

        Assert.Equal(new MonitoringOptions("127.0.0.1", 34545), options);
    }

    [Fact]
    public void Top_level_keys_in_the_file_work_and_system_properties_win()
    {
        var entries = Entries("flume.monitoring.type = http\nflume.monitoring.port = 1234\nflume.monitoring.bind = 0.0.0.0\n" + Agent);

        Assert.Equal(new MonitoringOptions("0.0.0.0", 1234), MonitoringOptions.From(entries, NoSystemProperties, null));
        Assert.Equal(
            new MonitoringOptions("0.0.0.0", 5678),
            MonitoringOptions.From(entries, new Dictionary<string, string> { ["flume.monitoring.port"] = "5678" }, null));
    }

    [Fact]
    public void The_http_servers_Flume_class_name_is_taken_as_its_alias()
    {
        var options = MonitoringOptions.From(
            Entries(Agent),
            new Dictionary<string, string> { ["flume.monitoring.type"] = "org.apache.flume.instrumentation.http.HTTPMetricsServer", ["flume.monitoring.port"] = "34545" },
            null);

        Assert.Equal(new MonitoringOptions("127.0.0.1", 34545), options);
    }

    [Fact]
    public void The_port_defaults_to_Flumes_41414_and_metrics_port_alone_turns_http_on()
    {
        Assert.Equal(41414, MonitoringOptions.From(Entries("flume.monitoring.type = HTTP\n" + Agent), NoSystemProperties, null)!.Port);
        Assert.Equal(new MonitoringOptions("127.0.0.1", 9000), MonitoringOptions.From(Entries(Agent), NoSystemProperties, 9000));
    }

    [Fact]
    public void An_unknown_type_is_an_error_naming_the_property_and_line()
    {
        var error = Assert.Throws<ConfigurationException>(
            () => MonitoringOptions.From(Entries(Agent + "\nflume.monitoring.type = ganglia\n"), NoSystemProperties, null));

        Assert.Equal("flume.monitoring.type", error.Key);
        Assert.StartsWith("relay.properties:6: flume.monitoring.type", error.Message, StringComparison.Ordinal);
        Assert.Contains("ganglia", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_type_given_with_D_names_the_D_property()
    {
        var error = Assert.Throws<ConfigurationException>(
            () => MonitoringOptions.From(Entries(Agent), new Dictionary<string, string> { ["flume.monitoring.type"] = "x.y.Reporter" }, null));

        Assert.Contains("-Dflume.monitoring.type", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("70000")]
    public void A_bad_port_is_an_error_naming_the_property(string port)
    {
        var error = Assert.Throws<ConfigurationException>(() => MonitoringOptions.From(
            Entries($"flume.monitoring.type = http\nflume.monitoring.port = {port}\n"), NoSystemProperties, null));

        Assert.Equal("flume.monitoring.port", error.Key);
    }

    [Fact]
    public void A_port_without_a_type_is_an_error_rather_than_silently_ignored()
    {
        var error = Assert.Throws<ConfigurationException>(
            () => MonitoringOptions.From(Entries("flume.monitoring.port = 34545\n" + Agent), NoSystemProperties, null));

        Assert.Contains("flume.monitoring.type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_keys_are_neither_an_agent_nor_warned_about()
    {
        // With a sink, so the agent itself gives no warning about its channel.
        var agent = Agent + "\na1.sinks = k1\na1.sinks.k1.type = null\na1.sinks.k1.channel = c1\n";
        var configuration = FlumeConfiguration.Load(Entries("flume.monitoring.type = http\n" + agent), agentName: null);

        Assert.Equal("a1", configuration.Name);
        Assert.Empty(configuration.Warnings);
    }
}
