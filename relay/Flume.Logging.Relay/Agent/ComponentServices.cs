using Flume.Logging.Relay.Metrics;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Agent;

/// <summary>What every component may use from its agent: logging and time (injected so tests control the clock).</summary>
/// <param name="LoggerFactory">Where components log.</param>
/// <param name="TimeProvider">The clock for keep-alives, backoffs and rolling.</param>
public sealed record ComponentServices(ILoggerFactory LoggerFactory, TimeProvider TimeProvider)
{
    /// <summary>
    /// The agent's metrics: components implementing <see cref="IMonitoredComponent"/> are registered by the agent;
    /// custom components may register further counter groups here. The agent built with these services disposes it.
    /// </summary>
    public MetricsRegistry Metrics { get; init; } = new();

    /// <summary>
    /// Flume's <c>-Dorg.apache.flume.log.rawdata</c>: whether each event a source receives is logged, headers and the
    /// start of its body, at debug level. Default: false, since events may carry what must not reach a log.
    /// </summary>
    public bool LogRawData { get; init; }
}
