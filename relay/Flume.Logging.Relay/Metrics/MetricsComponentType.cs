namespace Flume.Logging.Relay.Metrics;

/// <summary>The kind of component a counter group belongs to; Flume's <c>MonitoredCounterGroup.Type</c>.</summary>
public enum MetricsComponentType
{
    /// <summary>A source: reported as <c>SOURCE.&lt;name&gt;</c>.</summary>
    Source,

    /// <summary>A channel: reported as <c>CHANNEL.&lt;name&gt;</c>.</summary>
    Channel,

    /// <summary>A sink: reported as <c>SINK.&lt;name&gt;</c>.</summary>
    Sink,

    /// <summary>Anything else a custom component counts: reported as <c>OTHER.&lt;name&gt;</c>.</summary>
    Other,
}
