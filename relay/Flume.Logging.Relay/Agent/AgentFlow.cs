using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sources;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// The component instances of one agent and the configuration they were built from, by name. A reload builds a new
/// flow that shares the instances of every component it keeps, so swapping flows never touches a kept component.
/// </summary>
/// <param name="Configuration">What the instances run: names and wiring of every component below.</param>
/// <param name="Channels">Channels by name.</param>
/// <param name="Sources">Sources by name.</param>
/// <param name="Sinks">Sinks by name; each runs inside a runner of <paramref name="GroupRunners"/> or <paramref name="SinkRunners"/>.</param>
/// <param name="GroupRunners">The runner of each sink group, by group name.</param>
/// <param name="SinkRunners">The runner of each sink in no group, by sink name.</param>
internal sealed record AgentFlow(
    AgentConfiguration Configuration,
    IReadOnlyDictionary<string, IChannel> Channels,
    IReadOnlyDictionary<string, ISource> Sources,
    IReadOnlyDictionary<string, ISink> Sinks,
    IReadOnlyDictionary<string, SinkRunner> GroupRunners,
    IReadOnlyDictionary<string, SinkRunner> SinkRunners)
{
    /// <summary>The channels in the order of <c>a1.channels</c>.</summary>
    public IReadOnlyList<IChannel> ChannelList { get; } = [.. Configuration.Channels.Select(c => Channels[c.Name])];

    /// <summary>The sources in the order of <c>a1.sources</c>.</summary>
    public IReadOnlyList<ISource> SourceList { get; } = [.. Configuration.Sources.Select(s => Sources[s.Name])];

    /// <summary>Every sink runner: the groups' in the order of <c>a1.sinkgroups</c>, then lone sinks' in the order of <c>a1.sinks</c>.</summary>
    public IReadOnlyList<SinkRunner> Runners { get; } =
    [
        .. Configuration.SinkGroups.Select(g => GroupRunners[g.Name]),
        .. Configuration.Sinks.Where(k => SinkRunners.ContainsKey(k.Name)).Select(k => SinkRunners[k.Name]),
    ];

    /// <summary>The instances named in <paramref name="names"/> that have a lifecycle: sources, sink runners (a group's by its name), channels.</summary>
    public IEnumerable<object> Instances(FlowNames names) =>
    [
        .. Sources.Where(s => names.Sources.Contains(s.Key)).Select(s => s.Value),
        .. GroupRunners.Where(r => names.Groups.Contains(r.Key)).Select(r => r.Value),
        .. SinkRunners.Where(r => names.Sinks.Contains(r.Key)).Select(r => r.Value),
        .. Channels.Where(c => names.Channels.Contains(c.Key)).Select(c => c.Value),
    ];

    /// <summary>The instances named in <paramref name="names"/> whose counters the agent registered: sources, sinks, channels.</summary>
    public IEnumerable<object> Counted(FlowNames names) =>
    [
        .. Sources.Where(s => names.Sources.Contains(s.Key)).Select(s => s.Value),
        .. Sinks.Where(k => names.Sinks.Contains(k.Key)).Select(k => k.Value),
        .. Channels.Where(c => names.Channels.Contains(c.Key)).Select(c => c.Value),
    ];
}
