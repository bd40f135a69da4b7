namespace Flume.Logging.Relay.Config;

/// <summary>A sink of an agent (<c>a1.sinks.k1.*</c>) and the one channel it drains.</summary>
public sealed class SinkConfiguration : ComponentConfiguration
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="name">The sink's name as listed in <c>a1.sinks</c>.</param>
    /// <param name="type">The trimmed <c>type</c> value, e.g. <c>logger</c>.</param>
    /// <param name="context">Every property of the sink's subtree.</param>
    /// <param name="channel">The trimmed name of the channel the sink drains (its <c>channel</c> property).</param>
    public SinkConfiguration(string name, string type, ComponentContext context, string channel)
        : base(name, type, context)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        Channel = channel;
    }

    /// <summary>The name of the channel the sink drains (its <c>channel</c> property).</summary>
    public string Channel { get; }
}
