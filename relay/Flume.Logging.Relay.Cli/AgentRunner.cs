using System.Runtime.InteropServices;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Runs one agent from a properties file until SIGTERM or Ctrl-C, then stops it cleanly: sources stop accepting,
/// sinks drain until the stop timeout, channels close, exit code 0. Startup problems exit 1 with one line naming
/// the cause (the key at fault, the port in use, the missing file).
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

        using var loggerFactory = ConsoleLogging.Create(level);
        var logger = loggerFactory.CreateLogger("relay");
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));

        RelayAgent agent;
        try
        {
            var configuration = Load(arguments);
            WarnAboutReservedProperties(logger, systemProperties);
            var registry = ComponentRegistry.CreateDefault(arguments.PluginDirectories);
            agent = RelayAgent.Build(configuration, registry, new ComponentServices(loggerFactory, TimeProvider.System));
            LogStarting(logger, configuration.Name, arguments.ConfigFile);
            await agent.StartAsync(stop.Token);
        }
        catch (Exception e) when (e is ConfigurationException or RpcServerException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogStartFailed(logger, e.Message);
            loggerFactory.Dispose();
            await error.WriteLineAsync($"relay: {e.Message}");
            return StartFailed;
        }

        await using (agent)
        {
            LogRunning(logger, agent.Name);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or Ctrl-C: stop cleanly below.
            }

            using var deadline = new CancellationTokenSource(arguments.StopTimeout);
            await agent.StopAsync(deadline.Token);
        }

        return 0;
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        // Keep the process alive: the agent's own shutdown decides when it ends.
        context.Cancel = true;
        stop.Cancel();
    }

    private static AgentConfiguration Load(AgentArguments arguments)
    {
        IReadOnlyList<PropertyEntry> entries;
        using (var reader = new StreamReader(arguments.ConfigFile, System.Text.Encoding.UTF8))
        {
            entries = PropertiesReader.Read(reader, arguments.ConfigFile);
        }

        return FlumeConfiguration.Load(entries, arguments.AgentName);
    }

    private static void WarnAboutReservedProperties(ILogger logger, IReadOnlyDictionary<string, string> systemProperties)
    {
        foreach (var key in systemProperties.Keys)
        {
            if (key.StartsWith("flume.monitoring.", StringComparison.Ordinal))
            {
                LogMonitoringReserved(logger, key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "starting agent {Agent} from {File}")]
    private static partial void LogStarting(ILogger logger, string agent, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} running; SIGTERM or Ctrl-C stops it")]
    private static partial void LogRunning(ILogger logger, string agent);

    [LoggerMessage(Level = LogLevel.Error, Message = "cannot start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "-D{Key} is reserved for metrics reporting, which this build does not serve yet; ignored")]
    private static partial void LogMonitoringReserved(ILogger logger, string key);
}
