using System.Net;
using System.Net.Sockets;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

public sealed class CommandLineTests
{
    private static string NetcatAgent(int port, string sinkType = "logger") => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = {port}
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = {sinkType}
        a1.sinks.k1.channel = c1
        """;

    [Fact]
    public async Task An_unknown_component_type_refuses_to_start_naming_the_key()
    {
        using var relay = RelayProcess.Start(NetcatAgent(0, sinkType: "hdfz"));

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("a1.sinks.k1.type", relay.Process.Output, StringComparison.Ordinal);
        Assert.Contains("hdfz", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conf_folder_alone_as_flume_ng_takes_it_says_to_name_the_file_with_conf_file()
    {
        var folder = Directory.CreateTempSubdirectory("relay-conf-folder-");
        try
        {
            using var relay = RelayProcess.StartRaw("agent", "--conf", folder.FullName, "--name", "a1");

            Assert.NotEqual(0, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"--conf {folder.FullName} is a folder", relay.Process.Output, StringComparison.Ordinal);
            Assert.Contains("--conf-file/-f <file>", relay.Process.Output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_jvm_option_on_a_flume_ng_command_line_is_accepted_with_a_warning()
    {
        using var relay = RelayProcess.Start(NetcatAgent(0), "-Xmx512m", "--check");

        Assert.Equal(0, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("relay: warning: -Xmx512m is a JVM option", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_user_guides_zookeeper_command_line_says_to_use_conf_uri_or_conf_file()
    {
        using var relay = RelayProcess.StartRaw("agent", "--conf", "conf", "-z", "zkhost:2181,zkhost1:2181", "-p", "/flume", "--name", "a1");

        Assert.NotEqual(0, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("-z/-p: configuration from ZooKeeper (experimental in Flume) is not read; serve the file over HTTP with --conf-uri", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_number_refuses_to_start_naming_the_key_and_line()
    {
        using var relay = RelayProcess.Start(NetcatAgent(0) + "\na1.channels.c1.capacity = lots\n");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("relay.properties:11", relay.Process.Output, StringComparison.Ordinal);
        Assert.Contains("a1.channels.c1.capacity", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_port_fails_the_start_naming_the_port()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        using var relay = RelayProcess.Start(NetcatAgent(port), "--name", "a1");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"127.0.0.1:{port}", relay.Process.Output, StringComparison.Ordinal);
        Assert.Contains("already in use", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_channel_folder_held_by_another_relay_fails_the_start_naming_the_folder_without_a_stack_trace()
    {
        var root = Directory.CreateTempSubdirectory("locked-channel-").FullName;
        try
        {
            var configuration = NetcatAgent(0).Replace("a1.channels.c1.type = memory", $"""
                a1.channels.c1.type = file
                a1.channels.c1.checkpointDir = {root}/checkpoint
                a1.channels.c1.dataDirs = {root}/data
                """, StringComparison.Ordinal);
            using var first = await RelayProcess.StartRunningAsync(configuration);

            using var second = RelayProcess.Start(configuration);

            Assert.Equal(1, await second.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"{root}/checkpoint is in use by another channel or process", second.Process.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", second.Process.Output, StringComparison.Ordinal);
            Assert.Equal(0, await first.StopAsync());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_configuration_file_is_named_as_the_configuration_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-relay-{Guid.NewGuid():N}.properties");
        var output = await FailedStartOutputAsync("--conf", missing);

        Assert.Contains($"cannot read the configuration file {missing}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_given_as_the_configuration_file_is_named_as_a_folder_not_a_permission_problem()
    {
        var folder = Path.GetTempPath().TrimEnd('/');
        var output = await FailedStartOutputAsync("--name", "a1", "-f", folder);

        Assert.Contains($"cannot read the configuration file {folder}: it is a folder", output, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--metrics-port", "abc", "--metrics-port must be a port 0-65535 (got 'abc')")]
    [InlineData("--metrics-port", "70000", "--metrics-port must be a port 0-65535 (got '70000')")]
    [InlineData("--poll-interval", "0", "--poll-interval must be at least 1 second")]
    [InlineData("--poll-interval", "-5", "--poll-interval must be at least 1 second")]
    public async Task An_option_value_outside_its_range_is_a_usage_error_naming_the_option(string option, string value, string error)
    {
        var output = await FailedStartOutputAsync("--conf", "relay.properties", option, value);

        Assert.Contains(error, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hangup_stops_the_agent_cleanly_as_SIGTERM_does()
    {
        using var relay = await RelayProcess.StartRunningAsync(NetcatAgent(0));

        relay.Process.Signal("HUP");

        Assert.Equal(0, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("agent a1 stopped", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_name_is_optional_when_the_file_defines_one_agent()
    {
        using var relay = RelayProcess.Start(NetcatAgent(0));
        await relay.Process.WaitForLineAsync("agent a1 running");
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task An_unknown_agent_name_lists_the_defined_agents()
    {
        using var relay = RelayProcess.Start(NetcatAgent(0), "--name", "a9");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("a9", relay.Process.Output, StringComparison.Ordinal);
        Assert.Contains("a1", relay.Process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--conf", "a.properties", "--conf", "b.properties")]
    [InlineData("load", "--host", "127.0.0.1", "--port", "1", "--duration", "3", "--duration", "30")]
    public async Task A_repeated_option_is_a_usage_error_not_a_crash(params string[] arguments)
    {
        var output = await FailedStartOutputAsync(arguments);

        Assert.Contains("expects a single argument", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--stop-timeout")]
    [InlineData("--poll-interval")]
    public async Task A_number_option_given_words_is_a_usage_error_not_a_crash(string option)
    {
        var output = await FailedStartOutputAsync("--conf", "relay.properties", option, "abc");

        Assert.Contains($"Cannot parse argument 'abc' for option '{option}'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_options()
    {
        using var relay = RelayProcess.StartRaw("--help");

        Assert.Equal(0, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        foreach (var option in new[] { "--conf", "--conf-file", "--name", "--plugins-path", "--stop-timeout", "--metrics-port", "--no-reload-conf", "--poll-interval", "agent", "avro-client", "load", "check-channel" })
        {
            Assert.Contains(option, relay.Process.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs the relay with <paramref name="arguments"/>, which must stop it with exit code 1, and returns what it wrote.</summary>
    private static async Task<string> FailedStartOutputAsync(params string[] arguments)
    {
        using var relay = RelayProcess.StartRaw(arguments);
        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return relay.Process.Output;
    }
}
