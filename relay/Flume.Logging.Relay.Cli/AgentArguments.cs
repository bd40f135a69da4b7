namespace Flume.Logging.Relay.Cli;

/// <summary>What the command line asked the agent runner for.</summary>
/// <param name="Sources">Where the Flume properties are read from, in order (Flume's <c>--conf-uri</c> ones first): a later one overrides keys of earlier ones.</param>
/// <param name="AgentName">The agent to run; null when the file defines exactly one.</param>
/// <param name="PluginDirectories">Flume-style plugin folders searched for custom component assemblies.</param>
/// <param name="StopTimeout">How long a stop may drain sinks before giving up. Default: 30 s.</param>
/// <param name="MetricsPort">
/// <c>--metrics-port</c>: serve metrics over HTTP on this port, as <c>-Dflume.monitoring.type=http</c> with
/// <c>-Dflume.monitoring.port</c> do. Null when not given.
/// </param>
/// <param name="PollInterval">
/// How often the configuration files are checked for a change that is then applied to the running agent
/// (<c>--poll-interval</c>, Flume's <c>-i</c>); null when <c>--no-reload-conf</c> turned reloading off. Default: 30 s.
/// </param>
internal sealed record AgentArguments(
    IReadOnlyList<ConfigurationSource> Sources,
    string? AgentName,
    IReadOnlyList<string> PluginDirectories,
    TimeSpan StopTimeout,
    int? MetricsPort = null,
    TimeSpan? PollInterval = null)
{
    /// <summary>Flume's interval for polling configuration files (Application's DEFAULT_FILE_INTERVAL).</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(30);
}
