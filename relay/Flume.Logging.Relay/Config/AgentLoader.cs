namespace Flume.Logging.Relay.Config;

/// <summary>
/// Builds one agent from the file's entries and refuses what Flume would drop or fail on later: a component
/// without a type, a dangling channel or sink reference, a sink in two groups, duplicate names.
/// </summary>
internal sealed class AgentLoader
{
    private const string SourcesKind = "sources";
    private const string ChannelsKind = "channels";
    private const string SinksKind = "sinks";
    private const string SinkGroupsKind = "sinkgroups";
    private const string ConfigFiltersKind = "configfilters";

    private static readonly string[] Kinds = [SourcesKind, ChannelsKind, SinksKind, SinkGroupsKind];

    private readonly string _agent;
    private readonly string _prefix;
    private readonly IReadOnlyList<PropertyEntry> _entries;
    private readonly Dictionary<string, PropertyEntry> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, List<PropertyEntry>>> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _agentProperties = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    public AgentLoader(string agent, IReadOnlyList<PropertyEntry> entries)
    {
        _agent = agent;
        _prefix = agent + ".";
        _entries = entries;
        foreach (var kind in Kinds)
        {
            _components[kind] = new Dictionary<string, List<PropertyEntry>>(StringComparer.Ordinal);
        }
    }

    public AgentConfiguration Load()
    {
        Classify();

        var channelNames = ReadList(ChannelsKind);
        if (channelNames.Count == 0)
        {
            throw MissingListError(ChannelsKind, "an agent needs at least one channel");
        }

        var sourceNames = ReadList(SourcesKind);
        var sinkNames = ReadList(SinksKind);
        if (sourceNames.Count == 0 && sinkNames.Count == 0)
        {
            throw MissingListError(SourcesKind, $"agent '{_agent}' has neither sources ({_prefix}sources) nor sinks ({_prefix}sinks)");
        }

        var groupNames = ReadList(SinkGroupsKind);

        var channels = new List<ChannelConfiguration>(channelNames.Count);
        foreach (var name in channelNames)
        {
            var context = ComponentContextOf(ChannelsKind, name);
            channels.Add(new ChannelConfiguration(name, RequireType(ChannelsKind, "channel", context), context));
        }

        var sources = new List<SourceConfiguration>(sourceNames.Count);
        foreach (var name in sourceNames)
        {
            sources.Add(BuildSource(name, channelNames));
        }

        var sinks = new List<SinkConfiguration>(sinkNames.Count);
        foreach (var name in sinkNames)
        {
            sinks.Add(BuildSink(name, channelNames));
        }

        var groups = BuildSinkGroups(groupNames, sinkNames);

        WarnAboutChannelsWithoutSinks(channels, sources, sinks);
        WarnAboutUnlisted(SourcesKind, sourceNames);
        WarnAboutUnlisted(ChannelsKind, channelNames);
        WarnAboutUnlisted(SinksKind, sinkNames);
        WarnAboutUnlisted(SinkGroupsKind, groupNames);

        return new AgentConfiguration(_agent, sources, channels, sinks, groups, _agentProperties, _warnings);
    }

    private void Classify()
    {
        foreach (var entry in _entries)
        {
            if (FlumeConfiguration.IsMonitoringKey(entry.Key))
            {
                continue;
            }

            if (FlumeConfiguration.AgentNameOf(entry.Key) is null)
            {
                _warnings.Add($"{entry.Location}: key '{entry.Key}' ignored: it does not start with an agent name and a dot");
                continue;
            }

            if (!entry.Key.StartsWith(_prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = entry.Key[_prefix.Length..];
            if (Array.IndexOf(Kinds, rest) >= 0)
            {
                _lists[rest] = entry;
                continue;
            }

            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            var kind = dot > 0 ? rest[..dot] : null;
            if (kind is null || Array.IndexOf(Kinds, kind) < 0)
            {
                _agentProperties[rest] = entry.Value;
                WarnIfUnread(entry, kind ?? rest);
                continue;
            }

            var componentRest = rest[(dot + 1)..];
            var nameEnd = componentRest.IndexOf('.', StringComparison.Ordinal);
            if (nameEnd <= 0 || nameEnd == componentRest.Length - 1)
            {
                _warnings.Add(
                    $"{entry.Location}: key '{entry.Key}' ignored: expected {_prefix}{kind}.<name>.<property>");
                continue;
            }

            var name = componentRest[..nameEnd];
            var byName = _components[kind];
            if (!byName.TryGetValue(name, out var list))
            {
                list = [];
                byName[name] = list;
            }

            list.Add(entry);
        }
    }

    private List<string> ReadList(string kind)
    {
        if (!_lists.TryGetValue(kind, out var entry))
        {
            return [];
        }

        var context = ComponentContext.FromEntries(_agent, _prefix, [entry]);
        var names = context.GetList(kind);
        RejectDuplicates(context, kind, names);
        return [.. names];
    }

    /// <summary>
    /// Warns about an agent key Flume ignores (<c>a1.source = r1</c>): a typo of a list leaves its components out in
    /// silence. Config filters (<c>a1.configfilters</c>) are the agent's one other kind of key.
    /// </summary>
    private void WarnIfUnread(PropertyEntry entry, string first)
    {
        if (first == ConfigFiltersKind)
        {
            return;
        }

        var closest = UnknownProperties.Closest(first, Kinds);
        var hint = closest is null ? "" : $"; did you mean {_prefix}{closest}?";
        _warnings.Add($"{entry.Location}: {entry.Key} is not a key Flume reads and is ignored{hint}");
    }

    private SourceConfiguration BuildSource(string name, IReadOnlyList<string> declaredChannels)
    {
        var context = ComponentContextOf(SourcesKind, name);
        var type = RequireType(SourcesKind, "source", context);

        var channels = context.GetList("channels");
        if (channels.Count == 0)
        {
            // A sink's spelling: Flume would ignore it and refuse the source for having no channels.
            throw context.GetString("channel") is not null
                ? context.CreateError("channel", $"is not a source property: a source lists its channels in {context.FullKey("channels")}")
                : RequiredError(context, SourcesKind, "channels", $"source '{name}' must feed at least one channel");
        }

        RejectDuplicates(context, "channels", channels);
        foreach (var channel in channels)
        {
            if (!Contains(declaredChannels, channel))
            {
                throw context.CreateError(
                    "channels", $"names channel '{channel}', which is not declared in {_prefix}channels ({ListText(declaredChannels)})");
            }
        }

        var selector = context.GetSubContext("selector.").WithTrimmedOrDefault("type", "replicating");
        CheckSelectorChannels(selector, channels);

        var interceptors = context.GetList("interceptors");
        RejectDuplicates(context, "interceptors", interceptors);
        var interceptorsContext = context.GetSubContext("interceptors.");
        CheckInterceptors(context, interceptors, interceptorsContext);

        return new SourceConfiguration(name, type, context, channels, selector, interceptors, interceptorsContext);
    }

    private static void CheckSelectorChannels(ComponentContext selector, IReadOnlyList<string> sourceChannels)
    {
        // Only the built-in selectors' keys are known to name channels; a custom selector's keys are its own.
        var type = selector.GetString("type", "");
        if (!type.Equals("replicating", StringComparison.OrdinalIgnoreCase)
            && !type.Equals("multiplexing", StringComparison.OrdinalIgnoreCase)
            && !type.Equals("org.apache.flume.channel.ReplicatingChannelSelector", StringComparison.OrdinalIgnoreCase)
            && !type.Equals("org.apache.flume.channel.MultiplexingChannelSelector", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        foreach (var key in selector.Properties.Keys)
        {
            var namesChannels = key is "optional" or "default"
                || key.StartsWith("optional.", StringComparison.Ordinal)
                || key.StartsWith("mapping.", StringComparison.Ordinal);
            if (!namesChannels)
            {
                continue;
            }

            foreach (var channel in selector.GetList(key))
            {
                if (!Contains(sourceChannels, channel))
                {
                    throw selector.CreateError(
                        key,
                        $"names channel '{channel}', which is not one of the source's channels ({string.Join(" ", sourceChannels)})");
                }
            }
        }
    }

    private void CheckInterceptors(
        ComponentContext source, IReadOnlyList<string> interceptors, ComponentContext interceptorsContext)
    {
        foreach (var interceptor in interceptors)
        {
            var type = interceptorsContext.GetString(interceptor + ".type");
            if (string.IsNullOrWhiteSpace(type))
            {
                throw RequiredError(
                    interceptorsContext,
                    interceptor + ".type",
                    $"interceptor '{interceptor}' is listed in {source.FullKey("interceptors")} but has no type",
                    source.OriginOf("interceptors"));
            }
        }

        var warned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in interceptorsContext.Properties.Keys)
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            var name = dot > 0 ? key[..dot] : key;
            if (!Contains(interceptors, name) && warned.Add(name))
            {
                _warnings.Add(
                    $"{Located(interceptorsContext.OriginOf(key))}keys {interceptorsContext.FullKey(name)}.* ignored: " +
                    $"'{name}' is not listed in {source.FullKey("interceptors")}");
            }
        }
    }

    private SinkConfiguration BuildSink(string name, IReadOnlyList<string> declaredChannels)
    {
        var context = ComponentContextOf(SinksKind, name);
        var type = RequireType(SinksKind, "sink", context);

        var channels = context.GetList("channel");
        if (channels.Count == 0)
        {
            throw context.GetString("channels") is not null
                ? context.CreateError("channels", $"is not a sink property: a sink names the one channel it drains in {context.FullKey("channel")}")
                : RequiredError(context, SinksKind, "channel", $"sink '{name}' must drain a channel");
        }

        if (channels.Count > 1)
        {
            throw context.CreateError("channel", $"names {channels.Count} channels ('{context.GetString("channel")}'), but a sink drains exactly one");
        }

        var channel = channels[0];
        if (!Contains(declaredChannels, channel))
        {
            throw context.CreateError(
                "channel", $"names channel '{channel}', which is not declared in {_prefix}channels ({ListText(declaredChannels)})");
        }

        return new SinkConfiguration(name, type, context, channel);
    }

    private List<SinkGroupConfiguration> BuildSinkGroups(List<string> groupNames, IReadOnlyList<string> declaredSinks)
    {
        var groups = new List<SinkGroupConfiguration>(groupNames.Count);
        var groupOfSink = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in groupNames)
        {
            var context = ComponentContextOf(SinkGroupsKind, name);
            var sinks = context.GetList("sinks");
            if (sinks.Count == 0)
            {
                throw RequiredError(context, SinkGroupsKind, "sinks", $"sink group '{name}' needs at least one sink");
            }

            RejectDuplicates(context, "sinks", sinks);
            foreach (var sink in sinks)
            {
                if (!Contains(declaredSinks, sink))
                {
                    throw context.CreateError(
                        "sinks", $"names sink '{sink}', which is not declared in {_prefix}sinks ({ListText(declaredSinks)})");
                }

                if (groupOfSink.TryGetValue(sink, out var other))
                {
                    throw context.CreateError(
                        "sinks", $"names sink '{sink}', which is already in sink group '{other}' ({_prefix}sinkgroups.{other}.sinks); a sink belongs to at most one group");
                }

                groupOfSink[sink] = name;
            }

            var processor = context.GetSubContext("processor.").WithTrimmedOrDefault("type", "default");
            groups.Add(new SinkGroupConfiguration(name, sinks, processor));
        }

        return groups;
    }

    /// <summary>
    /// A channel no sink drains fills to its capacity, and from then on every put to it fails: the sources feeding it
    /// answer FAILED for good. Flume says nothing until then; the relay says so at load. A Kafka channel is exempt:
    /// its topic is the destination, and a flow of sources into it alone is one of its documented uses.
    /// </summary>
    private void WarnAboutChannelsWithoutSinks(
        List<ChannelConfiguration> channels, List<SourceConfiguration> sources, List<SinkConfiguration> sinks)
    {
        foreach (var channel in channels)
        {
            var drained = false;
            foreach (var sink in sinks)
            {
                drained |= string.Equals(sink.Channel, channel.Name, StringComparison.Ordinal);
            }

            var feeders = new List<string>();
            foreach (var source in sources)
            {
                if (Contains(source.Channels, channel.Name))
                {
                    feeders.Add(source.Name);
                }
            }

            var where = Located(channel.Context.OriginOf("type"));
            if (!drained && feeders.Count == 0)
            {
                _warnings.Add($"{where}channel {channel.Name} is unused: no source feeds it and no sink drains it");
            }
            else if (!drained && !string.Equals(channel.Type, Channels.Kafka.KafkaChannel.FlumeClass, StringComparison.Ordinal))
            {
                _warnings.Add(
                    $"{where}channel {channel.Name} has no sink ({_prefix}sinks.<name>.channel = {channel.Name}): once " +
                    $"full, every put to it fails, and {(feeders.Count == 1 ? "source" : "sources")} {ListText(feeders)} " +
                    $"{(feeders.Count == 1 ? "refuses" : "refuse")} events for good");
            }
        }
    }

    private void WarnAboutUnlisted(string kind, List<string> listed)
    {
        foreach (var (name, entries) in _components[kind])
        {
            if (!listed.Contains(name))
            {
                _warnings.Add(
                    $"{entries[0].Location}: keys {_prefix}{kind}.{name}.* ignored: '{name}' is not listed in {_prefix}{kind}");
            }
        }
    }

    private ComponentContext ComponentContextOf(string kind, string name)
    {
        var entries = _components[kind].GetValueOrDefault(name);
        return ComponentContext.FromEntries(name, $"{_prefix}{kind}.{name}.", entries ?? []);
    }

    private string RequireType(string kind, string noun, ComponentContext context)
    {
        var type = context.GetString("type");
        return string.IsNullOrWhiteSpace(type)
            ? throw RequiredError(
                context,
                kind,
                "type",
                $"{noun} '{context.ComponentName}' is listed in {_prefix}{kind} but has no type"
                    + (context.ComponentName.Contains(',', StringComparison.Ordinal) ? " (Flume separates the names of a list with spaces, not commas)" : ""))
            : type.Trim();
    }

    /// <summary>
    /// A required key is missing or blank: point at the key if it was written blank, else at the line that
    /// declared the component, since the missing key has no line of its own.
    /// </summary>
    private ConfigurationException RequiredError(ComponentContext context, string kind, string key, string why) =>
        RequiredError(context, key, why, _lists.GetValueOrDefault(kind));

    private static ConfigurationException RequiredError(
        ComponentContext context, string key, string why, PropertyEntry? declaration)
    {
        var origin = context.OriginOf(key) ?? declaration;
        return new ConfigurationException(
            context.FullKey(key), $"{context.FullKey(key)} is required: {why}", origin?.Source, origin?.Line ?? 0);
    }

    private ConfigurationException MissingListError(string kind, string why)
    {
        var origin = _lists.GetValueOrDefault(kind);
        var key = _prefix + kind;
        return new ConfigurationException(key, $"{key} is required: {why}", origin?.Source, origin?.Line ?? 0);
    }

    private static void RejectDuplicates(ComponentContext context, string key, IReadOnlyList<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                throw context.CreateError(key, $"lists '{name}' more than once");
            }
        }
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string ListText(IReadOnlyList<string> names) => string.Join(" ", names);

    private static string Located(PropertyEntry? origin) => origin is null ? "" : origin.Location + ": ";
}
