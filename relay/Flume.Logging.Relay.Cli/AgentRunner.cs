using System.Runtime.InteropServices;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Runs one agent from a properties file until SIGTERM, SIGHUP or Ctrl-C, then stops it cleanly: sources stop accepting,
/// sinks drain until the stop timeout, channels close, exit code 0. Startup problems exit 1 with one line naming
/// the cause (the key at fault, the port in use, the missing file). With <c>flume.monitoring.type=http</c> (or
/// <c>--metrics-port</c>) it also serves the agent's metrics until the agent has stopped. Unless
/// <c>--no-reload-conf</c>, it polls the configuration files and applies a change to the running agent; a change that
/// does not load (syntax, unknown type, invalid value, unresolved variable) is logged and the flow runs on unchanged.
/// </summary>
internal static partial class AgentRunner
{
    /// <summary>Exit code for a configuration or startup failure.</summary>
    public const int StartFailed = 1;

    public static async Task<int> RunAsync(AgentArguments arguments, IReadOnlyDictionary<string, string> systemProperties, TextWriter error)
    {
        LogLevel level;
        try
        {
            level = ConsoleLogging.ParseLevel(systemProperties);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"relay: {e.Message}");
            return StartFailed;
        }

        using var loggerFactory = ConsoleLogging.Create(level, SystemdService.LogsToJournal);
        var logger = loggerFactory.CreateLogger("relay");
        foreach (var appender in ConsoleLogging.IgnoredAppenders(systemProperties))
        {
            LogAppenderIgnored(logger, appender);
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));

        // A closed terminal or SSH session sends SIGHUP, which would end the process at once and lose what a memory
        // channel holds; like Flume (whose JVM runs its shutdown hooks on it) the relay stops cleanly instead.
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => Stop(context, stop));

        RelayAgent agent;
        MetricsServer? metrics = null;

        // Stamped before the first read, so an edit made while the agent starts is not missed.
        var watcher = arguments.PollInterval is { } interval
            ? new ConfigurationWatcher(arguments.Sources, interval, TimeProvider.System, logger)
            : null;
        try
        {
            var (configuration, entries) = Load(arguments, systemProperties);
            PrintConfiguration(logger, configuration.Name, entries, systemProperties);
            var monitoring = MonitoringOptions.From(entries, systemProperties, arguments.MetricsPort);
            var registry = ComponentRegistry.CreateDefault(arguments.PluginDirectories);
            var rawData = ConsoleLogging.LogRawData(systemProperties);
            if (rawData && level > LogLevel.Debug)
            {
                LogRawDataNeedsDebug(logger, ConsoleLogging.FlumeName(level));
            }

            agent = RelayAgent.Build(configuration, registry, new ComponentServices(loggerFactory, TimeProvider.System) { LogRawData = rawData });
            var files = string.Join(", ", arguments.Sources.Select(s => s.Name));
            LogStarting(logger, configuration.Name, files);
            if (monitoring is not null)
            {
                metrics = new MetricsServer(monitoring, agent.Metrics, loggerFactory);
                await metrics.StartAsync(stop.Token);
                LogServingMetrics(logger, metrics.LocalEndPoint);
            }

            await agent.StartAsync(stop.Token);
        }
        catch (Exception e) when (e is ConfigurationException or RpcServerException or ChannelException or IOException or UnauthorizedAccessException
                                       or ArgumentException)
        {
            if (metrics is not null)
            {
                await metrics.DisposeAsync();
            }

            LogStartFailed(logger, e.Message);
            loggerFactory.Dispose();
            await error.WriteLineAsync($"relay: {e.Message}");
            return StartFailed;
        }

        await using (agent)
        {
            LogRunning(logger, agent.Name);
            SystemdService.Ready();
            var watching = Task.CompletedTask;
            if (watcher is not null && arguments.PollInterval is { } pollInterval)
            {
                var seconds = pollInterval.TotalSeconds;
                LogWatching(logger, seconds);
                var running = agent;
                watching = watcher.RunAsync(
                    token => ReloadAsync(running, arguments, systemProperties, logger, token),
                    token => RetryAsync(running, arguments, logger, token),
                    stop.Token);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM, SIGHUP or Ctrl-C: stop cleanly below.
            }

            SystemdService.Stopping();

            // A reload in progress finishes (or gives up starting) before the agent stops.
            await watching;

            // A sink whose downstream is down can hold the stop for the whole timeout: say so before the wait.
            LogStopRequested(logger, arguments.StopTimeout.TotalSeconds);
            using var deadline = new CancellationTokenSource(arguments.StopTimeout);
            await agent.StopAsync(deadline.Token);
            if (metrics is not null)
            {
                // Served until the agent has stopped, so the drain at stop can be watched; closed before disposing the
                // agent ends the meter both views read.
                await metrics.DisposeAsync();
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>--check</c>: loads the configuration and builds every component exactly as a start would, without starting
    /// any (no port is bound, no folder created or locked), then prints the resolved flow to <paramref name="output"/>
    /// and returns 0; or prints the error naming the key to <paramref name="error"/> and returns 1.
    /// </summary>
    public static async Task<int> CheckAsync(
        AgentArguments arguments, IReadOnlyDictionary<string, string> systemProperties, TextWriter output, TextWriter error)
    {
        try
        {
            ConsoleLogging.ParseLevel(systemProperties);
            var (configuration, entries) = Load(arguments, systemProperties);
            MonitoringOptions.From(entries, systemProperties, arguments.MetricsPort);
            var registry = ComponentRegistry.CreateDefault(arguments.PluginDirectories);
            string graph;
            IReadOnlyList<string> propertyWarnings;
            await using (var agent = RelayAgent.Build(configuration, registry, new ComponentServices(NullLoggerFactory.Instance, TimeProvider.System)))
            {
                graph = FlowGraph.Describe(configuration, agent);
                propertyWarnings = agent.PropertyWarnings;
            }

            foreach (var warning in configuration.Warnings.Concat(propertyWarnings))
            {
                await error.WriteLineAsync($"relay: warning: {warning}");
            }

            await output.WriteAsync(graph);
            return 0;
        }
        catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync($"relay: {e.Message}");
            return StartFailed;
        }
    }

    /// <summary>
    /// Loads the changed files for the running agent and applies them; what does not load is logged as an error
    /// naming the cause, and the agent keeps running as it was.
    /// </summary>
    private static async Task ReloadAsync(
        RelayAgent agent, AgentArguments arguments, IReadOnlyDictionary<string, string> systemProperties, ILogger logger, CancellationToken stopping)
    {
        try
        {
            // The running agent's name, even when it was chosen as the only agent of the files at start.
            var (configuration, entries) = Load(arguments with { AgentName = agent.Name }, systemProperties);
            PrintConfiguration(logger, agent.Name, entries, systemProperties);
            await agent.ReloadAsync(configuration, arguments.StopTimeout, stopping);
        }
        catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogReloadFailed(logger, agent.Name, e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the agent stops as it is.
        }
    }

    /// <summary>Starts again what the last reload could not start, if anything; a failure is logged, as a reload's.</summary>
    private static async Task RetryAsync(RelayAgent agent, AgentArguments arguments, ILogger logger, CancellationToken stopping)
    {
        try
        {
            await agent.RetryLeftOutAsync(arguments.StopTimeout, stopping);
        }
        catch (ConfigurationException e)
        {
            LogReloadFailed(logger, agent.Name, e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the agent stops as it is.
        }
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        // Keep the process alive: the agent's own shutdown decides when it ends.
        context.Cancel = true;
        stop.Cancel();
    }

    /// <summary>
    /// The agent from the merged files, and the merged entries with their variables substituted (for the relay-wide
    /// <c>flume.monitoring.*</c> keys).
    /// </summary>
    private static (AgentConfiguration Configuration, IReadOnlyList<PropertyEntry> Entries) Load(
        AgentArguments arguments, IReadOnlyDictionary<string, string> systemProperties)
    {
        var entries = ConfigurationFiles.Merge([.. arguments.Sources.Select(source => source.Read())]);
        var name = FlumeConfiguration.ChooseAgent(entries, arguments.AgentName);
        var resolved = FlumeConfiguration.Resolve(entries, name, Environment.GetEnvironmentVariable, SystemProperties.Lookup(systemProperties));
        return (FlumeConfiguration.LoadResolved(name, resolved), resolved);
    }

    /// <summary>
    /// With <c>-Dorg.apache.flume.log.printconfig=true</c>, logs each of the agent's properties as it was resolved,
    /// with the line it came from: what variables and config filters made of a value is otherwise seen nowhere.
    /// </summary>
    private static void PrintConfiguration(
        ILogger logger, string agent, IReadOnlyList<PropertyEntry> resolved, IReadOnlyDictionary<string, string> systemProperties)
    {
        if (!ConsoleLogging.PrintConfig(systemProperties))
        {
            return;
        }

        var prefix = agent + ".";
        foreach (var entry in resolved)
        {
            if (entry.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                LogProperty(logger, agent, entry.Key, entry.Value, entry.Location);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "-Dorg.apache.flume.log.rawdata=true logs the events sources receive at debug level, and the log level is {Level}: set -Dflume.root.logger=DEBUG,console to see them")]
    private static partial void LogRawDataNeedsDebug(ILogger logger, string level);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} configuration: {Key} = {Value} ({Location})")]
    private static partial void LogProperty(ILogger logger, string agent, string key, string value, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "-Dflume.root.logger names appender {Appender}, which the relay does not have: it logs to standard output only (redirect it, or run the relay under systemd, see examples/systemd)")]
    private static partial void LogAppenderIgnored(ILogger logger, string appender);

    [LoggerMessage(Level = LogLevel.Information, Message = "stop requested: the sinks get up to {Seconds} s (--stop-timeout) to deliver what the channels hold")]
    private static partial void LogStopRequested(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "starting agent {Agent} from {File}")]
    private static partial void LogStarting(ILogger logger, string agent, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} running; SIGTERM or Ctrl-C stops it")]
    private static partial void LogRunning(ILogger logger, string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "checking the configuration files for changes every {Seconds} s (--no-reload-conf turns this off)")]
    private static partial void LogWatching(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "agent {Agent}: changed configuration not applied, the agent keeps running as it was: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "cannot start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "serving metrics at http://{EndPoint}/metrics (Flume JSON) and /metrics/prometheus")]
    private static partial void LogServingMetrics(ILogger logger, System.Net.IPEndPoint endPoint);
}
