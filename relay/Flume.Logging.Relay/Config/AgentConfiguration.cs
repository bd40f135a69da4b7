using System.Collections.Frozen;

namespace Flume.Logging.Relay.Config;

/// <summary>One validated agent of a Flume configuration file, as produced by <see cref="FlumeConfiguration.Load"/>.</summary>
public sealed class AgentConfiguration
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="name">The agent's name, e.g. <c>a1</c>.</param>
    /// <param name="sources">The sources, in the order of <c>a1.sources</c>.</param>
    /// <param name="channels">The channels, in the order of <c>a1.channels</c>.</param>
    /// <param name="sinks">The sinks, in the order of <c>a1.sinks</c>.</param>
    /// <param name="sinkGroups">The sink groups, in the order of <c>a1.sinkgroups</c>.</param>
    /// <param name="agentProperties">The agent's other keys, relative to <c>a1.</c>.</param>
    /// <param name="warnings">What was ignored, one message per ignored key prefix.</param>
    public AgentConfiguration(
        string name,
        IReadOnlyList<SourceConfiguration> sources,
        IReadOnlyList<ChannelConfiguration> channels,
        IReadOnlyList<SinkConfiguration> sinks,
        IReadOnlyList<SinkGroupConfiguration> sinkGroups,
        IReadOnlyDictionary<string, string> agentProperties,
        IReadOnlyList<string> warnings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(sinkGroups);
        ArgumentNullException.ThrowIfNull(agentProperties);
        ArgumentNullException.ThrowIfNull(warnings);
        Name = name;
        Sources = [.. sources];
        Channels = [.. channels];
        Sinks = [.. sinks];
        SinkGroups = [.. sinkGroups];
        AgentProperties = agentProperties.ToFrozenDictionary(StringComparer.Ordinal);
        Warnings = [.. warnings];
    }

    /// <summary>The agent's name, e.g. <c>a1</c>.</summary>
    public string Name { get; }

    /// <summary>The sources, in the order of <c>a1.sources</c>.</summary>
    public IReadOnlyList<SourceConfiguration> Sources { get; }

    /// <summary>The channels, in the order of <c>a1.channels</c>.</summary>
    public IReadOnlyList<ChannelConfiguration> Channels { get; }

    /// <summary>The sinks, in the order of <c>a1.sinks</c>.</summary>
    public IReadOnlyList<SinkConfiguration> Sinks { get; }

    /// <summary>The sink groups, in the order of <c>a1.sinkgroups</c>; sinks in no group run on their own.</summary>
    public IReadOnlyList<SinkGroupConfiguration> SinkGroups { get; }

    /// <summary>
    /// The agent's keys that belong to no component list, relative to <c>a1.</c> (e.g. <c>configfilters</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> AgentProperties { get; }

    /// <summary>
    /// Keys that were ignored, as Flume ignores them, one message per ignored key prefix (e.g. properties of
    /// <c>a1.sources.r9.</c> when <c>r9</c> is not listed in <c>a1.sources</c>).
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }
}
