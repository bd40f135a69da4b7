namespace Flume.Logging.Relay.Cli;

/// <summary>What the command line asked the agent runner for.</summary>
/// <param name="ConfigFiles">The Flume properties files, in order: a later one overrides keys of earlier ones.</param>
/// <param name="AgentName">The agent to run; null when the file defines exactly one.</param>
/// <param name="PluginDirectories">Flume-style plugin folders searched for custom component assemblies.</param>
/// <param name="StopTimeout">How long a stop may drain sinks before giving up. Default: 30 s.</param>
/// <param name="MetricsPort">
/// <c>--metrics-port</c>: serve metrics over HTTP on this port, as <c>-Dflume.monitoring.type=http</c> with
/// <c>-Dflume.monitoring.port</c> do. Null when not given.
/// </param>
internal sealed record AgentArguments(
    IReadOnlyList<string> ConfigFiles, string? AgentName, IReadOnlyList<string> PluginDirectories, TimeSpan StopTimeout, int? MetricsPort = null);
