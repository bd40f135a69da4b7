using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Config.Filters;

public sealed class ConfigFiltersTests
{
    private const string Flow = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1

        """;

    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["COLLECTOR_HOST"] = "10.1.2.3",
        ["COLLECTOR_PORT"] = "4545",
        ["NETCAT_PORT"] = "44444",
    };

    private static AgentConfiguration Load(string text) =>
        FlumeConfiguration.Load(
            PropertiesReader.Read(new StringReader(Flow + text), "flume.conf"), "a1", name => Environment.GetValueOrDefault(name));

    [Fact]
    public void Env_filter_replaces_single_double_and_unquoted_references_before_the_model_is_built()
    {
        var configuration = Load("""
            a1.configfilters = f1
            a1.configfilters.f1.type = env
            a1.sinks.k1.hostname = ${f1['COLLECTOR_HOST']}
            a1.sinks.k1.port = ${f1["COLLECTOR_PORT"]}
            a1.sources.r1.port = ${f1[NETCAT_PORT]}
            """);

        var sink = configuration.Sinks[0].Context;
        Assert.Equal("10.1.2.3", sink.GetString("hostname"));
        Assert.Equal(4545, sink.GetRequiredInt32("port"));
        Assert.Equal(44444, configuration.Sources[0].Context.GetRequiredInt32("port"));
    }

    [Fact]
    public void References_are_replaced_inside_longer_values_and_several_per_value()
    {
        var configuration = Load("""
            a1.configfilters = f1
            a1.configfilters.f1.type = org.apache.flume.configfilter.EnvironmentVariableConfigFilter
            a1.sinks.k1.hostname = host-${f1['COLLECTOR_HOST']}:${f1['COLLECTOR_PORT']}/x
            """);

        Assert.Equal("host-10.1.2.3:4545/x", configuration.Sinks[0].Context.GetString("hostname"));
    }

    [Fact]
    public void Without_configfilters_references_stay_as_written()
    {
        var configuration = Load("a1.sinks.k1.hostname = ${f1['COLLECTOR_HOST']}\n");

        Assert.Equal("${f1['COLLECTOR_HOST']}", configuration.Sinks[0].Context.GetString("hostname"));
    }

    [Fact]
    public void References_to_an_undeclared_filter_and_mismatched_quotes_stay_as_written_as_in_Flume()
    {
        var configuration = Load("""
            a1.configfilters = f1
            a1.configfilters.f1.type = env
            a1.sinks.k1.hostname = ${f2['COLLECTOR_HOST']}
            a1.sinks.k1.x = ${f1['COLLECTOR_HOST"]}
            """);

        Assert.Equal("${f2['COLLECTOR_HOST']}", configuration.Sinks[0].Context.GetString("hostname"));
        Assert.Equal("${f1['COLLECTOR_HOST\"]}", configuration.Sinks[0].Context.GetString("x"));
    }

    [Fact]
    public void An_unset_variable_is_an_error_naming_the_key_the_variable_and_the_line()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("""
            a1.configfilters = f1
            a1.configfilters.f1.type = env
            a1.sinks.k1.hostname = ${f1['NO_SUCH_VARIABLE']}
            """));

        Assert.Equal("a1.sinks.k1.hostname", error.Key);
        Assert.Contains("NO_SUCH_VARIABLE", error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Line);
    }

    [Theory]
    [InlineData("hadoop", "not supported by the relay, which runs without a JVM; use type env")]
    [InlineData("org.apache.flume.configfilter.HadoopCredentialStoreConfigFilter", "or type external (a command that prints it)")]
    [InlineData("vault", "unknown config filter type 'vault'")]
    public void Other_filter_types_are_refused_naming_the_type_key(string type, string why)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load($"""
            a1.configfilters = f1
            a1.configfilters.f1.type = {type}
            """));

        Assert.Equal("a1.configfilters.f1.type", error.Key);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listed_filter_without_a_type_is_refused_naming_its_type_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("a1.configfilters = f1\n"));

        Assert.Equal("a1.configfilters.f1.type", error.Key);
    }

    [Fact]
    public void The_filter_keys_are_neither_components_nor_warnings()
    {
        var configuration = Load("""
            a1.configfilters = f1
            a1.configfilters.f1.type = env
            """);

        Assert.Empty(configuration.Warnings);
    }

    [Fact]
    public void External_filter_value_is_the_line_the_command_prints_for_the_key()
    {
        var script = Script("#!/bin/sh\nif [ \"$1\" = agent_name ]; then echo 1234; else echo \"unknown $1\" >&2; exit 3; fi\n");

        var configuration = Load($$"""
            a1.configfilters = f1
            a1.configfilters.f1.type = external
            a1.configfilters.f1.command = {{script}}
            a1.configfilters.f1.charset = UTF-8
            a1.sinks.k1.hostname = agent_${f1['agent_name']}
            """);

        Assert.Equal("agent_1234", configuration.Sinks[0].Context.GetString("hostname"));
    }

    [Theory]
    [InlineData("echo \"unknown $1\" >&2\nexit 3\n", "exited with code 3: unknown nope")]
    [InlineData("echo one\necho two\n", "printed 2 lines; a config filter command must print exactly one")]
    [InlineData("exit 0\n", "printed 0 lines")]
    public void External_filter_command_failing_or_not_printing_one_line_is_an_error_naming_the_key(string body, string why)
    {
        var script = Script("#!/bin/sh\n" + body);

        var error = Assert.Throws<ConfigurationException>(() => Load($$"""
            a1.configfilters = f1
            a1.configfilters.f1.type = external
            a1.configfilters.f1.command = {{script}}
            a1.sinks.k1.hostname = ${f1['nope']}
            """));

        Assert.Equal("a1.sinks.k1.hostname", error.Key);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void External_filter_without_a_command_is_refused_naming_the_command_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("""
            a1.configfilters = f1
            a1.configfilters.f1.type = external
            """));

        Assert.Equal("a1.configfilters.f1.command", error.Key);
    }

    private static string Script(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("config-filter-").FullName, "resolve.sh");
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
