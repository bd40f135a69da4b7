namespace Flume.Logging.Relay.Metrics;

/// <summary>How one Flume attribute is published on the agent's meter.</summary>
/// <param name="Name">The instrument's name, OpenTelemetry style, e.g. <c>flume.source.events.received</c>.</param>
/// <param name="Attribute">Flume's attribute name, e.g. <c>EventReceivedCount</c>: the JSON key and the Prometheus name.</param>
/// <param name="Kind">The observable instrument that publishes it.</param>
/// <param name="Unit">UCUM unit, e.g. <c>{event}</c> or <c>ms</c>; null for a custom group's metric, whose unit is unknown.</param>
/// <param name="Description">What it counts; also the Prometheus <c># HELP</c>.</param>
/// <param name="Integral">True for a <c>long</c> instrument, false for a <c>double</c> one (<c>ChannelFillPercentage</c>).</param>
internal sealed record InstrumentSpec(string Name, string Attribute, InstrumentKind Kind, string? Unit, string Description, bool Integral)
{
    /// <summary>How the Prometheus view types it: only counters are <c>counter</c>.</summary>
    public MetricKind MetricKind => Kind == InstrumentKind.Counter ? MetricKind.Counter : MetricKind.Gauge;
}
