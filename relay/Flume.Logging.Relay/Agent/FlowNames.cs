namespace Flume.Logging.Relay.Agent;

/// <summary>Names of components of one flow, by kind (for example those that failed to start on a reload).</summary>
internal sealed class FlowNames
{
    public HashSet<string> Sources { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Sinks { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Sources.Count == 0 && Channels.Count == 0 && Sinks.Count == 0 && Groups.Count == 0;
}
