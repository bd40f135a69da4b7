using System.Net;
using System.Net.Sockets;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

public sealed class CheckCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string Flow(int port, string extra = "") => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1 k2
        a1.sinkgroups = g1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = {port}
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        a1.sinks.k2.type = null
        a1.sinks.k2.channel = c1
        a1.sinkgroups.g1.sinks = k1
        a1.sinkgroups.g1.processor.type = default
        {extra}
        """;

    private static async Task<(int ExitCode, string Output)> CheckAsync(string configuration, IDictionary<string, string>? environment = null)
    {
        using var relay = RelayProcess.Start(configuration, environment, "--name", "a1", "--check");
        var exitCode = await relay.Process.WaitForExitAsync(Limit);
        return (exitCode, relay.Process.Output);
    }

    public static TheoryData<string> ShippedExamples()
    {
        var data = new TheoryData<string>();
        var fragments = Path.Combine(AppContext.BaseDirectory, "examples", "flume", "variables");
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.properties", SearchOption.AllDirectories))
        {
            // The variable snippets are parts meant to be merged (several --conf-file); ConfigurationVariablesTests runs them.
            if (file.StartsWith(fragments, StringComparison.Ordinal))
            {
                continue;
            }

            data.Add(Path.GetRelativePath(AppContext.BaseDirectory, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedExamples))]
    public async Task Every_shipped_example_checks_clean(string example)
    {
        using var process = PeerProcess.Start(
            RelayProcess.DotnetHost, [RelayProcess.RelayDll, "--conf", Path.Combine(AppContext.BaseDirectory, example), "--name", "a1", "--check"]);

        await process.WaitForSuccessAsync(Limit);
        Assert.Contains("agent a1", process.Output, StringComparison.Ordinal);

        // Every key of a shipped example is read by its component: none may be taken for a typo.
        Assert.DoesNotContain("is not a property of", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_property_is_a_warning_naming_the_key_and_the_closest_known_one()
    {
        var (exitCode, output) = await CheckAsync(Flow(0, "a1.channels.c1.capacty = 10"));

        Assert.Equal(0, exitCode);
        Assert.Contains(
            "relay: warning: ", output, StringComparison.Ordinal);
        Assert.Contains(
            "a1.channels.c1.capacty is not a property of channel c1 (memory) and is ignored; did you mean capacity?", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prints_the_resolved_flow_graph_and_binds_no_port()
    {
        // The source's port is taken: a check that tried to bind it would fail.
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var (exitCode, output) = await CheckAsync(Flow(port));

        Assert.Equal(0, exitCode);
        Assert.Contains("agent a1", output, StringComparison.Ordinal);
        Assert.Contains($"  source r1 (avro 127.0.0.1:{port}) -> selector replicating -> channels c1", output, StringComparison.Ordinal);
        Assert.Contains("  channel c1 (memory, capacity 10000)", output, StringComparison.Ordinal);
        Assert.Contains("  sink k1 (logger) <- channel c1", output, StringComparison.Ordinal);
        Assert.Contains("  sink k2 (null) <- channel c1", output, StringComparison.Ordinal);
        Assert.Contains("  sinkgroup g1 (default) sinks k1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multiport_syslogtcp", "host = 127.0.0.1", "ports = 10001 10002", "multiport_syslogtcp 127.0.0.1:10001,10002")]
    [InlineData("org.apache.flume.source.SyslogTcpSource", "host = localhost", "port = 5140", "org.apache.flume.source.SyslogTcpSource localhost:5140")]
    [InlineData("syslogudp", "host = localhost", "port = 5140", "syslogudp localhost:5140")]
    [InlineData("netcatudp", "bind = 127.0.0.1", "port = 6666", "netcatudp 127.0.0.1:6666")]
    public async Task Syslog_and_UDP_sources_print_the_address_they_would_listen_on(string type, string address, string port, string shown)
    {
        var (exitCode, output) = await CheckAsync($"""
            a1.sources = r1
            a1.channels = c1
            a1.sources.r1.type = {type}
            a1.sources.r1.{address}
            a1.sources.r1.{port}
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            """);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"  source r1 ({shown}) -> selector replicating -> channels c1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creates_no_file_channel_or_file_roll_folder()
    {
        var root = Directory.CreateTempSubdirectory("relay-check-").FullName;
        try
        {
            var checkpoint = Path.Combine(root, "checkpoint");
            var data = Path.Combine(root, "data");
            var (exitCode, output) = await CheckAsync($"""
                a1.sources = r1
                a1.channels = c1
                a1.sinks = k1
                a1.sources.r1.type = netcat
                a1.sources.r1.bind = 127.0.0.1
                a1.sources.r1.port = {0}
                a1.sources.r1.channels = c1
                a1.channels.c1.type = file
                a1.channels.c1.checkpointDir = {checkpoint}
                a1.channels.c1.dataDirs = {data}
                a1.sinks.k1.type = file_roll
                a1.sinks.k1.channel = c1
                a1.sinks.k1.sink.directory = {root}
                """);

            Assert.Equal(0, exitCode);
            Assert.Contains($"  sink k1 (file_roll {root}) <- channel c1", output, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("a1.sinks.k2.type = hdfz", "a1.sinks.k2.type")]
    [InlineData("a1.channels.c1.transactionCapacity = lots", "a1.channels.c1.transactionCapacity")]
    [InlineData("a1.sinkgroups.g1.processor.type = nosuch", "a1.sinkgroups.g1.processor.type")]
    [InlineData("a1.sinks.k1.maxBytesToLog = -3", "a1.sinks.k1.maxBytesToLog")]
    [InlineData("a1.sources.r1.selector.optional = c9", "a1.sources.r1.selector.optional")]
    [InlineData("a1.configfilters = f1\na1.configfilters.f1.type = hadoop", "a1.configfilters.f1.type")]
    public async Task A_broken_configuration_exits_1_naming_the_key(string extra, string key)
    {
        var (exitCode, output) = await CheckAsync(Flow(0, extra));

        Assert.Equal(1, exitCode);
        Assert.Contains(key, output, StringComparison.Ordinal);
        Assert.DoesNotContain("agent a1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_regex_is_found_by_building_the_component()
    {
        var spool = Directory.CreateTempSubdirectory("relay-check-spool-").FullName;
        try
        {
            var (exitCode, output) = await CheckAsync($"""
                a1.sources = r1
                a1.channels = c1
                a1.sinks = k1
                a1.sources.r1.type = spooldir
                a1.sources.r1.spoolDir = {spool}
                a1.sources.r1.includePattern = ([unclosed
                a1.sources.r1.channels = c1
                a1.channels.c1.type = memory
                a1.sinks.k1.type = null
                a1.sinks.k1.channel = c1
                """);

            Assert.Equal(1, exitCode);
            Assert.Contains("a1.sources.r1.includePattern", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Fact]
    public async Task Env_config_filters_are_resolved_in_the_printed_flow()
    {
        // --check binds nothing: the port is only a value to resolve and print.
        const int port = 41414;
        var (exitCode, output) = await CheckAsync(
            Flow(0).Replace("a1.sources.r1.port = 0", "a1.sources.r1.port = ${f1['RELAY_PORT']}", StringComparison.Ordinal)
                + "\na1.configfilters = f1\na1.configfilters.f1.type = env\n",
            new Dictionary<string, string> { ["RELAY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(0, exitCode);
        Assert.Contains($"(avro 127.0.0.1:{port})", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unset_variable_exits_1_naming_the_key_and_the_variable()
    {
        var (exitCode, output) = await CheckAsync(
            Flow(0) + "\na1.configfilters = f1\na1.configfilters.f1.type = env\na1.sinks.k1.maxBytesToLog = ${f1['RELAY_NOT_SET_ANYWHERE']}\n");

        Assert.Equal(1, exitCode);
        Assert.Contains("a1.sinks.k1.maxBytesToLog", output, StringComparison.Ordinal);
        Assert.Contains("RELAY_NOT_SET_ANYWHERE", output, StringComparison.Ordinal);
    }
}
