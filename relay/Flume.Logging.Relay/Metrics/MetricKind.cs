namespace Flume.Logging.Relay.Metrics;

/// <summary>How a metric behaves, which decides its Prometheus <c># TYPE</c>.</summary>
public enum MetricKind
{
    /// <summary>Only ever grows while the process runs (e.g. <c>EventPutSuccessCount</c>).</summary>
    Counter,

    /// <summary>Goes up and down (e.g. <c>ChannelSize</c>, <c>OpenConnectionCount</c>).</summary>
    Gauge,
}
