namespace Flume.Logging.Relay.Metrics;

/// <summary>One reported value of a counter group.</summary>
/// <param name="Name">Flume's attribute name, e.g. <c>EventPutSuccessCount</c>.</param>
/// <param name="Kind">Counter or gauge.</param>
/// <param name="Value">The value now.</param>
/// <param name="Integral">
/// True for Flume's long attributes (printed <c>"5"</c>); false for its doubles such as
/// <c>ChannelFillPercentage</c> (printed as Java prints a double, <c>"5.0"</c>).
/// </param>
public readonly record struct Metric(string Name, MetricKind Kind, double Value, bool Integral = true);
