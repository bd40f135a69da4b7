namespace Flume.Logging.Relay.Metrics;

/// <summary>One value a <see cref="System.Diagnostics.Metrics.MeterListener"/> read from the agent's meter, with the instrument it came from.</summary>
/// <param name="Metric">The value under Flume's attribute name.</param>
/// <param name="Instrument">The instrument that reported it (its description is the Prometheus <c># HELP</c>).</param>
internal readonly record struct MeasuredMetric(Metric Metric, InstrumentSpec Instrument);
