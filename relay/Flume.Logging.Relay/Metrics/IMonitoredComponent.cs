namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// A component that keeps Flume-style metrics. The agent registers <see cref="Counters"/> in its
/// <see cref="MetricsRegistry"/> when it builds the component; custom components may implement this too, or
/// register groups themselves through their build context's <c>Services.Metrics</c>.
/// </summary>
public interface IMonitoredComponent
{
    /// <summary>The component's counters.</summary>
    CounterGroup Counters { get; }
}
