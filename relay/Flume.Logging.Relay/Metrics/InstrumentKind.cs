namespace Flume.Logging.Relay.Metrics;

/// <summary>Which observable instrument publishes a metric on the agent's meter.</summary>
internal enum InstrumentKind
{
    /// <summary><c>ObservableCounter</c>: a monotonic total (Prometheus <c>counter</c>).</summary>
    Counter,

    /// <summary><c>ObservableUpDownCounter</c>: an additive amount such as a size (Prometheus <c>gauge</c>).</summary>
    UpDownCounter,

    /// <summary><c>ObservableGauge</c>: a value that is not summed across components, such as a time (Prometheus <c>gauge</c>).</summary>
    Gauge,
}
