using System.CommandLine;
using System.Globalization;
using Flume.Logging.Relay.Cli.Tools;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// <c>relay --conf relay.properties --name a1</c>, and flume-ng's spelling of the same:
/// <c>relay agent -n a1 -f example.conf -c conf -Dflume.root.logger=INFO,console</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var system = SystemProperties.Extract(args);
        system.ExportSslSettings();
        foreach (var option in system.JvmOptions)
        {
            await Console.Error.WriteLineAsync($"relay: warning: {option} is a JVM option (flume-ng passes -X options to Java) and has no effect on the relay");
        }

        var root = new RootCommand("Flume.Logging relay: runs a Flume agent (sources -> channels -> sinks) from a Flume properties file.");
        var agent = new Command("agent", "Run an agent (flume-ng agent); the same as running relay without a command.");
        AddAgentOptions(root, system);
        AddAgentOptions(agent, system);
        root.Subcommands.Add(agent);
        root.Subcommands.Add(ToolCommands.AvroClient());
        root.Subcommands.Add(ToolCommands.Load());
        root.Subcommands.Add(CheckChannelCommand.Create());

        string[] arguments;
        try
        {
            arguments = OptionsFile.Merge(system.Remaining);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"relay: {e.Message}");
            return AgentRunner.StartFailed;
        }

        // The agent's own SIGTERM handling drains sinks; System.CommandLine must not cut it short.
        return await root.Parse(arguments).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static void AddAgentOptions(Command command, SystemProperties system)
    {
        var confFile = new Option<FileInfo[]>("--conf-file", "-f")
        {
            Description = "A Flume properties file (flume-ng's -f); repeat it for several files, a later one overriding keys of earlier ones.",
        };
        var conf = new Option<FileSystemInfo?>("--conf", "-c")
        {
            Description = "The properties file, or (as flume-ng's -c) a configuration folder, accepted and not otherwise needed.",
        };
        var confUri = new Option<string[]>("--conf-uri")
        {
            Description = "A Flume properties file at an http://, https://, file:// or classpath:// (a file of the --conf folder) URI; " +
                "repeatable, and read before every --conf-file, as in Flume. Changes are polled with If-Modified-Since.",
        };
        var confUser = new Option<string?>("--conf-user") { Description = "User name for an http(s) --conf-uri (basic authentication)." };
        var confPassword = new Option<string?>("--conf-password") { Description = "Password for an http(s) --conf-uri (basic authentication)." };
        var authProvider = new Option<string?>("--auth-provider") { Description = "Flume's Java AuthorizationProvider class: not available here; use --conf-user and --conf-password." };
        var zooKeeper = new Option<string?>("--zkConnString", "-z") { Description = "Flume's ZooKeeper configuration (experimental in Flume): not available here.", Hidden = true };
        var zooKeeperPath = new Option<string?>("--zkBasePath", "-p") { Hidden = true };
        var name = new Option<string?>("--name", "-n") { Description = "The agent to run; optional when the file defines one agent." };
        var plugins = new Option<string?>("--plugins-path")
        {
            Description = "Colon-separated plugin folders (<dir>/<plugin>/lib/*.dll) for custom components. Default: plugins.d.",
        };
        var stopTimeout = new Option<int>("--stop-timeout")
        {
            Description = "Seconds a stop may spend draining sinks.",
            DefaultValueFactory = _ => 30,
        };
        var metricsPort = new Option<int?>("--metrics-port")
        {
            // The default parser's error names the type System.Nullable`1[System.Int32].
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
                {
                    return port;
                }

                result.AddError($"--metrics-port must be a port 0-65535 (got '{text}')");
                return null;
            },
            Description = "Serve metrics over HTTP on this port (127.0.0.1 unless -Dflume.monitoring.bind says otherwise): " +
                "Flume JSON at /metrics, Prometheus text at /metrics/prometheus. Same as -Dflume.monitoring.type=http -Dflume.monitoring.port=<port>.",
        };
        var noReload = new Option<bool>("--no-reload-conf")
        {
            Description = "Do not reload the configuration when its files change. By default they are checked every --poll-interval " +
                "seconds and a change restarts only the components it affects.",
        };
        var pollInterval = new Option<int>("--poll-interval", "-i")
        {
            Description = "Seconds between checks of the configuration files for a change (Flume's -i).",
            DefaultValueFactory = _ => (int)AgentArguments.DefaultPollInterval.TotalSeconds,
        };
        command.Options.Add(confFile);
        command.Options.Add(conf);
        command.Options.Add(confUri);
        command.Options.Add(confUser);
        command.Options.Add(confPassword);
        command.Options.Add(authProvider);
        command.Options.Add(zooKeeper);
        command.Options.Add(zooKeeperPath);
        command.Options.Add(name);
        command.Options.Add(plugins);
        command.Options.Add(stopTimeout);
        command.Options.Add(metricsPort);
        command.Options.Add(noReload);
        command.Options.Add(pollInterval);
        var check = new Option<bool>("--check")
        {
            Description = "Validate the configuration (building every component without starting it: no port bound, no folder " +
                "created or locked), print the resolved flow and exit 0; or print the error naming the key and exit 1.",
        };
        command.Options.Add(check);
        command.Validators.Add(result =>
        {
            if (result.ValueIfParsed(zooKeeper) is not null || result.ValueIfParsed(zooKeeperPath) is not null)
            {
                result.AddError("-z/-p: configuration from ZooKeeper (experimental in Flume) is not read; serve the file over HTTP with --conf-uri, or use --conf-file");
                return;
            }

            if (result.ValueIfParsed(authProvider) is { } provider)
            {
                result.AddError($"--auth-provider {provider}: Java authorization providers cannot run here; use --conf-user and --conf-password (basic authentication)");
            }

            if (result.ValueIfParsed(confFile) is not { Length: > 0 } && result.ValueIfParsed(conf) is not FileInfo && result.ValueIfParsed(confUri) is not { Length: > 0 })
            {
                // flume-ng's --conf is its configuration folder; a Flume user may give only that, out of habit.
                result.AddError(result.ValueIfParsed(conf) is DirectoryInfo folder
                    ? $"--conf {folder.FullName} is a folder (flume-ng's configuration folder) without a flume.opts naming the " +
                      "properties file; name it with --conf-file/-f <file>"
                    : "a configuration file is required: --conf <file>, --conf-file/-f <file>, or --conf-uri <uri>");
            }
        });
        IntOptionRule.Require(pollInterval, value => value >= 1, "--poll-interval must be at least 1 second");
        IntOptionRule.Require(stopTimeout, value => value >= 1, "--stop-timeout must be at least 1 second");
        command.SetAction(async (result, _) =>
        {
            // As in Flume, every --conf-uri is read before the files; the relay's own "--conf <file>" comes first of
            // those, so flume-ng style -f files can override it.
            var confFolder = result.GetValue(conf) is DirectoryInfo folder ? folder.FullName : null;
            List<ConfigurationSource> sources = [];
            try
            {
                foreach (var uri in result.GetValue(confUri) ?? [])
                {
                    sources.Add(ConfigurationSource.FromUri(uri, confFolder, result.GetValue(confUser), result.GetValue(confPassword)));
                }
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"relay: {e.Message}");
                return AgentRunner.StartFailed;
            }

            if (result.GetValue(conf) is FileInfo confAsFile)
            {
                sources.Add(ConfigurationSource.File(confAsFile.FullName));
            }

            sources.AddRange((result.GetValue(confFile) ?? []).Select(f => ConfigurationSource.File(f.FullName)));
            var pluginDirectories = (result.GetValue(plugins) ?? "plugins.d").Split(':', StringSplitOptions.RemoveEmptyEntries);
            var arguments = new AgentArguments(
                sources,
                result.GetValue(name),
                pluginDirectories,
                TimeSpan.FromSeconds(result.GetValue(stopTimeout)),
                result.GetValue(metricsPort),
                result.GetValue(noReload) ? null : TimeSpan.FromSeconds(result.GetValue(pollInterval)));
            return result.GetValue(check)
                ? await AgentRunner.CheckAsync(arguments, system.Values, Console.Out, Console.Error)
                : await AgentRunner.RunAsync(arguments, system.Values, Console.Error);
        });
    }
}
