using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// What a configuration change means for a running agent: which sources, channels, sinks and sink groups stop, which
/// start, which keep running untouched. A component restarts (it is in both <c>Stop</c> and <c>Start</c>) when its own
/// properties subtree changed or when something it is wired to restarts: a source whose channel restarts, a sink whose
/// channel restarts, a sink group whose member sink restarts (and then every member sink, since a group's processor
/// owns its sinks), a sink that moves into, out of or between groups. A channel that takes new settings in place
/// (a memory channel whose type is unchanged) is reconfigured instead, and its sources and sinks keep running.
/// Comparison is of resolved values, so an edit that changes only comments, line order or the file a key comes from
/// restarts nothing.
/// </summary>
internal sealed class FlowDiff
{
    private FlowDiff()
    {
    }

    /// <summary>What stops: removed components and restarted ones (with the sinks of a stopped group).</summary>
    public FlowNames Stop { get; } = new();

    /// <summary>What starts: new components and restarted ones (with the sinks of a started group).</summary>
    public FlowNames Start { get; } = new();

    /// <summary>Channels that keep running with their new properties applied in place.</summary>
    public HashSet<string> Reconfigured { get; } = new(StringComparer.Ordinal);

    /// <summary>True when nothing stops, starts or is reconfigured: the running flow already is what the configuration describes.</summary>
    public bool IsEmpty => Stop.IsEmpty && Start.IsEmpty && Reconfigured.Count == 0;

    /// <summary>The changes that turn the flow running <paramref name="running"/> into one running <paramref name="next"/>.</summary>
    /// <param name="running">The configuration the flow runs.</param>
    /// <param name="next">The configuration to run.</param>
    /// <param name="reconfigurable">
    /// Whether a channel whose properties changed from the first to the second can take them in place; none when null.
    /// </param>
    public static FlowDiff Compute(
        AgentConfiguration running, AgentConfiguration next, Func<ChannelConfiguration, ChannelConfiguration, bool>? reconfigurable = null)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);

        var oldChannels = ByName(running.Channels);
        var newChannels = ByName(next.Channels);
        var editedChannels = Changed(oldChannels, newChannels, (before, after) => !SameProperties(before.Context, after.Context));
        var reconfiguredChannels = Changed(oldChannels, newChannels, (before, after) =>
            editedChannels.Contains(after.Name) && reconfigurable is not null && reconfigurable(before, after));
        var restartedChannels = new HashSet<string>(editedChannels, StringComparer.Ordinal);
        restartedChannels.ExceptWith(reconfiguredChannels);

        var oldSources = ByName(running.Sources);
        var newSources = ByName(next.Sources);
        var restartedSources = Changed(oldSources, newSources, (before, after) =>
            !SameProperties(before.Context, after.Context) || AnyIn(after.Channels, restartedChannels));

        var oldSinks = ByName(running.Sinks);
        var newSinks = ByName(next.Sinks);
        var oldGroupOf = GroupOfSink(running.SinkGroups);
        var newGroupOf = GroupOfSink(next.SinkGroups);

        // A sink's own edit (or its channel's restart) first; a group restarts for such a member, and then takes
        // all of its members with it.
        var editedSinks = Changed(oldSinks, newSinks, (before, after) =>
            !SameProperties(before.Context, after.Context) || restartedChannels.Contains(after.Channel));
        var oldGroups = new Dictionary<string, SinkGroupConfiguration>(StringComparer.Ordinal);
        foreach (var group in running.SinkGroups)
        {
            oldGroups[group.Name] = group;
        }

        var newGroups = new Dictionary<string, SinkGroupConfiguration>(StringComparer.Ordinal);
        foreach (var group in next.SinkGroups)
        {
            newGroups[group.Name] = group;
        }

        var restartedGroups = Changed(oldGroups, newGroups, (before, after) =>
            !before.Sinks.SequenceEqual(after.Sinks, StringComparer.Ordinal)
            || !SameProperties(before.Processor, after.Processor)
            || AnyIn(after.Sinks, editedSinks));

        var restartedSinks = new HashSet<string>(editedSinks, StringComparer.Ordinal);
        foreach (var name in oldSinks.Keys)
        {
            if (!newSinks.ContainsKey(name))
            {
                continue;
            }

            var oldGroup = oldGroupOf.GetValueOrDefault(name);
            var newGroup = newGroupOf.GetValueOrDefault(name);
            if (!string.Equals(oldGroup, newGroup, StringComparison.Ordinal) || (newGroup is not null && restartedGroups.Contains(newGroup)))
            {
                restartedSinks.Add(name);
            }
        }

        var diff = new FlowDiff();
        diff.Reconfigured.UnionWith(reconfiguredChannels);
        Collect(diff.Stop.Sources, oldSources.Keys, newSources, restartedSources);
        Collect(diff.Stop.Channels, oldChannels.Keys, newChannels, restartedChannels);
        Collect(diff.Stop.Sinks, oldSinks.Keys, newSinks, restartedSinks);
        Collect(diff.Stop.Groups, oldGroups.Keys, newGroups, restartedGroups);
        Collect(diff.Start.Sources, newSources.Keys, oldSources, restartedSources);
        Collect(diff.Start.Channels, newChannels.Keys, oldChannels, restartedChannels);
        Collect(diff.Start.Sinks, newSinks.Keys, oldSinks, restartedSinks);
        Collect(diff.Start.Groups, newGroups.Keys, oldGroups, restartedGroups);
        return diff;
    }

    /// <summary>Same keys with the same values; where each came from (file, line) does not matter.</summary>
    internal static bool SameProperties(ComponentContext before, ComponentContext after)
    {
        var left = before.UnreadView;
        var right = after.UnreadView;
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (key, value) in left)
        {
            if (!right.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, T> ByName<T>(IReadOnlyList<T> components)
        where T : ComponentConfiguration
    {
        var byName = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            byName[component.Name] = component;
        }

        return byName;
    }

    private static Dictionary<string, string> GroupOfSink(IReadOnlyList<SinkGroupConfiguration> groups)
    {
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var sink in group.Sinks)
            {
                groupOf[sink] = group.Name;
            }
        }

        return groupOf;
    }

    /// <summary>Names present before and after whose configuration <paramref name="differs"/>.</summary>
    private static HashSet<string> Changed<T>(Dictionary<string, T> before, Dictionary<string, T> after, Func<T, T, bool> differs)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, old) in before)
        {
            if (after.TryGetValue(name, out var current) && differs(old, current))
            {
                changed.Add(name);
            }
        }

        return changed;
    }

    private static bool AnyIn(IReadOnlyList<string> names, HashSet<string> set)
    {
        foreach (var name in names)
        {
            if (set.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Fills <paramref name="names"/> with the restarted names and those of <paramref name="these"/> missing from
    /// <paramref name="others"/>: what stops (running, not in the next flow) or, turned around, what starts.
    /// </summary>
    private static void Collect<T>(HashSet<string> names, IEnumerable<string> these, Dictionary<string, T> others, HashSet<string> restarted)
    {
        names.UnionWith(restarted);
        foreach (var name in these)
        {
            if (!others.ContainsKey(name))
            {
                names.Add(name);
            }
        }
    }
}
