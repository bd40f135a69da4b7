namespace Flume.Logging.Relay.Metrics;

/// <summary>What the agent's meter reported for one component, in the order its counter group lists its metrics.</summary>
/// <param name="Key">Flume's key, e.g. <c>CHANNEL.c1</c>.</param>
/// <param name="TypeName">Flume's type, e.g. <c>CHANNEL</c>.</param>
/// <param name="Name">The component's name, e.g. <c>c1</c>.</param>
/// <param name="Metrics">Its values, <c>StartTime</c> and <c>StopTime</c> last.</param>
internal sealed record MeasuredGroup(string Key, string TypeName, string Name, IReadOnlyList<MeasuredMetric> Metrics);
