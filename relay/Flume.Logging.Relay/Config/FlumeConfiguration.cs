using Flume.Logging.Relay.Config.Filters;

namespace Flume.Logging.Relay.Config;

/// <summary>
/// Turns the entries of a Flume properties file (see <see cref="PropertiesReader"/>) into one validated agent.
/// A file may define several agents; every key is <c>&lt;agent&gt;.&lt;rest&gt;</c>.
/// </summary>
public static class FlumeConfiguration
{
    /// <summary>
    /// The agents the entries define (the text before the first dot of every key that has one, except the
    /// relay-wide <c>flume.monitoring.*</c> keys), in the order they first appear.
    /// </summary>
    public static IReadOnlyList<string> AgentNames(IReadOnlyList<PropertyEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!IsMonitoringKey(entry.Key) && AgentNameOf(entry.Key) is { } name && seen.Add(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>
    /// Builds and validates agent <paramref name="agentName"/>, or the only agent when it is null or blank, after
    /// substituting variables in values (<c>${env:NAME}</c>, <c>${sys:NAME}</c>, <c>${NAME}</c>: see
    /// <see cref="ValueSubstitution"/>) and then resolving its config filters (<c>a1.configfilters</c>, types
    /// <c>env</c> and <c>external</c>: <c>${f1['NAME']}</c> in a value).
    /// </summary>
    /// <param name="entries">The file's entries.</param>
    /// <param name="agentName">The agent to run (<c>--name</c>); may be omitted when the file defines one agent.</param>
    /// <param name="environment">
    /// Looks an environment variable up for the <c>env</c> filter, null when it is not set; the process environment
    /// when omitted.
    /// </param>
    /// <param name="systemProperty">
    /// Looks a system property (<c>-DNAME=value</c>) up for <c>${sys:NAME}</c>, null when it is not set; none are
    /// set when omitted.
    /// </param>
    /// <exception cref="ConfigurationException">
    /// The agent is not defined or not chosen, or its flow is invalid, or a config filter has an unsupported type or
    /// refers to a variable that is not set; the message names the exact key and its <c>file:line</c> when known.
    /// </exception>
    public static AgentConfiguration Load(
        IReadOnlyList<PropertyEntry> entries,
        string? agentName,
        Func<string, string?>? environment = null,
        Func<string, string?>? systemProperty = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var name = ChooseAgent(entries, agentName);
        return LoadResolved(name, Resolve(entries, name, environment ?? Environment.GetEnvironmentVariable, systemProperty ?? (_ => null)));
    }

    /// <summary>
    /// The entries as agent <paramref name="agent"/> is built from them: variables substituted, then the agent's config
    /// filters applied. An external filter runs its command here, so a caller that also needs the values resolves once
    /// and passes the result to <see cref="LoadResolved"/>.
    /// </summary>
    internal static IReadOnlyList<PropertyEntry> Resolve(
        IReadOnlyList<PropertyEntry> entries, string agent, Func<string, string?> environment, Func<string, string?> systemProperty) =>
        ConfigFilters.Apply(agent, ValueSubstitution.Apply(entries, agent, environment, systemProperty), environment);

    /// <summary>Loads agent <paramref name="agent"/> from entries <see cref="Resolve"/> returned.</summary>
    internal static AgentConfiguration LoadResolved(string agent, IReadOnlyList<PropertyEntry> resolved) => new AgentLoader(agent, resolved).Load();

    /// <summary>
    /// The agent to run: <paramref name="agentName"/> when the entries define it, or the only agent when it is null
    /// or blank.
    /// </summary>
    /// <exception cref="ConfigurationException">The agent is not defined, or several are and none was chosen.</exception>
    public static string ChooseAgent(IReadOnlyList<PropertyEntry> entries, string? agentName)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var names = AgentNames(entries);
        var source = entries.Count > 0 ? entries[0].Source : "the configuration";

        // These concern the file as a whole, so there is no single key to name.
        string name;
        if (string.IsNullOrWhiteSpace(agentName))
        {
            name = names.Count switch
            {
                1 => names[0],
                0 => throw new ConfigurationException(
                    "", $"no agent is defined in {source}: expected keys such as a1.sources, a1.channels and a1.sinks"),
                _ => throw new ConfigurationException(
                    "", $"several agents are defined in {source} ({string.Join(", ", names)}): choose one by name (--name)"),
            };
        }
        else
        {
            name = agentName.Trim();
            if (!names.Contains(name))
            {
                var defined = names.Count == 0 ? "none" : string.Join(", ", names);
                throw new ConfigurationException(
                    "", $"agent '{name}' is not defined in {source} (no key starts with '{name}.'); defined agents: {defined}");
            }
        }

        return name;
    }

    /// <summary>
    /// True for Flume's <c>flume.monitoring.*</c> settings, which configure the relay's metrics server rather than
    /// an agent (Flume takes them as <c>-D</c> system properties; the relay also reads them from the file).
    /// </summary>
    internal static bool IsMonitoringKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith("flume.monitoring.", StringComparison.Ordinal);
    }

    /// <summary>The agent part of a key, or null for a key Flume ignores (no dot, or nothing around it).</summary>
    internal static string? AgentNameOf(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < key.Length - 1 ? key[..dot] : null;
    }
}
