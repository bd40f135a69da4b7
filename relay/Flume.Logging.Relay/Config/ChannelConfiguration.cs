namespace Flume.Logging.Relay.Config;

/// <summary>A channel of an agent (<c>a1.channels.c1.*</c>).</summary>
public sealed class ChannelConfiguration : ComponentConfiguration
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="name">The channel's name as listed in <c>a1.channels</c>.</param>
    /// <param name="type">The trimmed <c>type</c> value, e.g. <c>memory</c>.</param>
    /// <param name="context">Every property of the channel's subtree.</param>
    public ChannelConfiguration(string name, string type, ComponentContext context)
        : base(name, type, context)
    {
    }
}
