using System.Net.Sockets;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// The user guide's three variable snippets (<c>${env:NC_PORT}</c>, <c>${sys:NC_PORT}</c>, <c>${NC_PORT}</c> from an
/// override file) run as shipped on a real relay, completed by a second <c>--conf-file</c> with the channel and sink.
/// </summary>
public sealed class ConfigurationVariablesTests
{
    private static string Shipped(string name) => Path.Combine(AppContext.BaseDirectory, "examples", "flume", "variables", name);

    private static async Task SendsAndGetsOkAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync("vars resolved\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    /// <summary>The variable resolved to 0, so the source listens where the kernel chose, which the relay reports.</summary>
    /// <summary>The relay on the sys-port snippet and the flow, its port given by <c>-DNC_PORT=0</c>, with <paramref name="options"/>.</summary>
    private static RelayProcess StartWithPortOption(params string[] options) => RelayProcess.StartRaw(
        ["agent", "--conf-file", Shipped("sys-port.properties"), "--conf-file", Shipped("flow.properties"), "--name", "a1", "-DNC_PORT=0", .. options]);

    private static async Task RunsAndDeliversAsync(RelayProcess relay)
    {
        await relay.Process.WaitForLineAsync("agent a1 running");
        await SendsAndGetsOkAsync(await relay.ListeningPortAsync("r1"));
        await relay.Process.WaitForLineAsync("vars resolved");
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Env_snippet_takes_its_port_from_the_environment()
    {
        using var relay = RelayProcess.Start(
            File.ReadAllText(Shipped("env-port.properties")),
            new Dictionary<string, string> { ["NC_PORT"] = "0" },
            "--conf-file", Shipped("flow.properties"), "--name", "a1");

        await RunsAndDeliversAsync(relay);
    }

    [Fact]
    public async Task Sys_snippet_takes_its_port_from_a_dash_D_option()
    {
        using var relay = StartWithPortOption();

        await RunsAndDeliversAsync(relay);

        // Values may hold secrets: they are printed only when asked for (below).
        Assert.DoesNotContain(relay.Process.Lines, line => line.Contains("agent a1 configuration:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Printconfig_logs_each_resolved_value_with_its_line_and_a_logfile_appender_is_warned_about()
    {
        using var relay = StartWithPortOption("-Dorg.apache.flume.log.printconfig=true", "-Dflume.root.logger=INFO,LOGFILE");

        await RunsAndDeliversAsync(relay);

        var sysPortLine = File.ReadAllLines(Shipped("sys-port.properties")).ToList().FindIndex(line => line.Contains("${sys:NC_PORT}", StringComparison.Ordinal)) + 1;
        Assert.Contains(relay.Process.Lines, line => line.Contains($"agent a1 configuration: a1.sources.r1.port = 0 ({Shipped("sys-port.properties")}:{sysPortLine})", StringComparison.Ordinal));
        Assert.Contains(relay.Process.Lines, line => line.Contains("-Dflume.root.logger names appender LOGFILE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rawdata_with_debug_level_logs_each_received_event_with_its_body()
    {
        using var relay = StartWithPortOption("-Dorg.apache.flume.log.rawdata=true", "-Dflume.root.logger=DEBUG,console");

        await RunsAndDeliversAsync(relay);

        Assert.Contains(relay.Process.Lines, line => line.Contains("source r1 received event: { headers:{} body: 76 61 72 73", StringComparison.Ordinal));
        Assert.DoesNotContain(relay.Process.Lines, line => line.Contains("rawdata=true logs the events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rawdata_at_the_default_level_warns_that_it_needs_debug()
    {
        using var relay = StartWithPortOption("-Dorg.apache.flume.log.rawdata=true");

        await RunsAndDeliversAsync(relay);

        Assert.Contains(relay.Process.Lines, line => line.Contains(
            "-Dorg.apache.flume.log.rawdata=true logs the events sources receive at debug level, and the log level is INFO", StringComparison.Ordinal));
        Assert.DoesNotContain(relay.Process.Lines, line => line.Contains("received event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task File_snippet_takes_its_port_from_a_key_of_the_override_file()
    {
        var folder = Directory.CreateTempSubdirectory("relay-override-").FullName;
        var shippedOverride = File.ReadAllText(Shipped("override.properties"));
        Assert.Contains("NC_PORT = 44444", shippedOverride, StringComparison.Ordinal);
        var overrideFile = Path.Combine(folder, "override.conf");
        await File.WriteAllTextAsync(overrideFile, shippedOverride.Replace("44444", "0", StringComparison.Ordinal));

        using var relay = RelayProcess.StartRaw(
            "agent", "-f", Shipped("file-port.properties"), "-f", Shipped("flow.properties"), "-f", overrideFile, "-n", "a1");

        await RunsAndDeliversAsync(relay);
    }

    [Fact]
    public async Task Flume_opts_in_the_conf_folder_supplies_the_conf_files_and_the_agent_name()
    {
        var folder = Directory.CreateTempSubdirectory("relay-opts-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "flume.opts"), $"""
            conf-file = {Shipped("sys-port.properties")}
            conf-file = {Shipped("flow.properties")}
            name = a1
            """);

        using var relay = RelayProcess.StartRaw("agent", "--conf", folder, "-DNC_PORT=0");

        await RunsAndDeliversAsync(relay);
    }

    [Fact]
    public async Task An_unset_environment_variable_stops_the_start_naming_the_key_and_the_variable()
    {
        using var relay = RelayProcess.StartRaw(
            "agent", "--conf-file", Shipped("env-port.properties"), "--conf-file", Shipped("flow.properties"), "--name", "a1", "--check");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = await relay.Process.WaitForLineAsync("a1.sources.r1.port");
        Assert.Contains("environment variable 'NC_PORT', which is not set", line, StringComparison.Ordinal);
    }
}
