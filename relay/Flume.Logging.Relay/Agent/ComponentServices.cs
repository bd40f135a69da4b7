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
}
