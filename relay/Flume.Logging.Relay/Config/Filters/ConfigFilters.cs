using System.Text;
using System.Text.RegularExpressions;

namespace Flume.Logging.Relay.Config.Filters;

/// <summary>
/// Flume's configuration filters (1.10+): <c>a1.configfilters = f1</c> with <c>a1.configfilters.f1.type = env</c>
/// replaces every <c>${f1['NAME']}</c> (also <c>${f1["NAME"]}</c> and <c>${f1[NAME]}</c>, anywhere in a value) in
/// the agent's values by environment variable NAME, before the agent is built; with type <c>external</c> (properties
/// <c>command</c> and <c>charset</c>, default UTF-8) by the line <c>&lt;command&gt; NAME</c> prints. Flume's
/// <c>hadoop</c> filter (a Hadoop credential store, which needs a JVM) is refused, naming the two that can replace it,
/// rather than leaving secrets unresolved.
/// </summary>
internal static class ConfigFilters
{
    private const string FiltersKey = "configfilters";

    private static readonly string[] EnvTypes = ["env", "org.apache.flume.configfilter.EnvironmentVariableConfigFilter"];

    private static readonly string[] ExternalTypes = ["external", "org.apache.flume.configfilter.ExternalProcessConfigFilter"];

    private static readonly string[] HadoopTypes = ["hadoop", "org.apache.flume.configfilter.HadoopCredentialStoreConfigFilter"];

    /// <summary>
    /// The entries with agent <paramref name="agent"/>'s filter references resolved; the same list when the agent
    /// declares no filters. The filters' own keys and other agents' keys are left as written.
    /// </summary>
    /// <param name="agent">The agent being loaded.</param>
    /// <param name="entries">The file's entries.</param>
    /// <param name="environment">Looks an environment variable up; null when it is not set.</param>
    /// <exception cref="ConfigurationException">
    /// A filter has no type, an unsupported or unknown type, a missing <c>command</c> or an unknown <c>charset</c>,
    /// or a referenced key cannot be resolved.
    /// </exception>
    public static IReadOnlyList<PropertyEntry> Apply(
        string agent, IReadOnlyList<PropertyEntry> entries, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(environment);

        var prefix = agent + ".";
        var filtersPrefix = prefix + FiltersKey + ".";
        var filters = ReadFilters(prefix, filtersPrefix, entries, environment);
        if (filters.Count == 0)
        {
            return entries;
        }

        var result = new List<PropertyEntry>(entries.Count);
        foreach (var entry in entries)
        {
            var isAgentValue = entry.Key.StartsWith(prefix, StringComparison.Ordinal)
                && !entry.Key.StartsWith(filtersPrefix, StringComparison.Ordinal)
                && entry.Key != prefix + FiltersKey;
            result.Add(isAgentValue ? Resolve(entry, filters) : entry);
        }

        return result;
    }

    private static List<Filter> ReadFilters(
        string prefix, string filtersPrefix, IReadOnlyList<PropertyEntry> entries, Func<string, string?> environment)
    {
        PropertyEntry? list = null;
        var properties = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Key == prefix + FiltersKey)
            {
                list = entry;
            }
            else if (entry.Key.StartsWith(filtersPrefix, StringComparison.Ordinal))
            {
                properties[entry.Key] = entry;
            }
        }

        var filters = new List<Filter>();
        if (list is null)
        {
            return filters;
        }

        foreach (var name in list.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var typeKey = filtersPrefix + name + ".type";
            if (!properties.TryGetValue(typeKey, out var typeEntry) || string.IsNullOrWhiteSpace(typeEntry.Value))
            {
                var origin = typeEntry ?? list;
                throw new ConfigurationException(
                    typeKey, $"{typeKey} is required: config filter '{name}' is listed in {list.Key} but has no type (env or external)", origin.Source, origin.Line);
            }

            var type = typeEntry.Value.Trim();
            Func<string, string> lookup;
            if (IsOneOf(type, EnvTypes))
            {
                lookup = variable => environment(variable) ?? throw new InvalidOperationException($"environment variable '{variable}' is not set");
            }
            else if (IsOneOf(type, ExternalTypes))
            {
                lookup = External(filtersPrefix + name + ".", properties, typeEntry).Resolve;
            }
            else if (IsOneOf(type, HadoopTypes))
            {
                throw new ConfigurationException(
                    typeKey,
                    $"{typeKey}: config filter type '{type}' (a Hadoop credential store) is not supported by the relay, which runs " +
                    "without a JVM; use type env (the secret in an environment variable) or type external (a command that prints it)",
                    typeEntry.Source,
                    typeEntry.Line);
            }
            else
            {
                throw new ConfigurationException(
                    typeKey, $"{typeKey} names an unknown config filter type '{type}'; known: env, external", typeEntry.Source, typeEntry.Line);
            }

            // As Flume's: the quotes are optional but must match, and the key runs up to the closing bracket.
            var reference = new Regex(
                @"\$\{" + Regex.Escape(name) + @"\[(?<quote>['""]?)(?<key>[^'""\]]+)\k<quote>\]\}",
                RegexOptions.CultureInvariant);
            filters.Add(new Filter(name, reference, lookup));
        }

        return filters;
    }

    private static ExternalProcessFilter External(
        string filterPrefix, Dictionary<string, PropertyEntry> properties, PropertyEntry typeEntry)
    {
        var commandKey = filterPrefix + "command";
        if (!properties.TryGetValue(commandKey, out var command) || string.IsNullOrWhiteSpace(command.Value))
        {
            throw new ConfigurationException(
                commandKey, $"{commandKey} is required for config filter type external: the command printing each value", typeEntry.Source, typeEntry.Line);
        }

        var charset = Encoding.UTF8;
        if (properties.TryGetValue(filterPrefix + "charset", out var charsetEntry))
        {
            try
            {
                charset = Encoding.GetEncoding(charsetEntry.Value.Trim());
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationException(
                    charsetEntry.Key, $"{charsetEntry.Key}: unknown charset '{charsetEntry.Value.Trim()}' (for example UTF-8, US-ASCII, ISO-8859-1)", charsetEntry.Source, charsetEntry.Line, e);
            }
        }

        return new ExternalProcessFilter(command.Value.Trim(), charset);
    }

    private static bool IsOneOf(string type, string[] names) =>
        Array.Exists(names, t => t.Equals(type, StringComparison.OrdinalIgnoreCase));

    private static PropertyEntry Resolve(PropertyEntry entry, List<Filter> filters)
    {
        var value = entry.Value;
        foreach (var filter in filters)
        {
            if (!value.Contains("${" + filter.Name + "[", StringComparison.Ordinal))
            {
                continue;
            }

            value = filter.Reference.Replace(value, match =>
            {
                var key = match.Groups["key"].Value;
                try
                {
                    return filter.Lookup(key);
                }
                catch (InvalidOperationException e)
                {
                    throw new ConfigurationException(
                        entry.Key,
                        $"{entry.Key} refers to '{key}' through config filter '{filter.Name}', which cannot resolve it: {e.Message}",
                        entry.Source,
                        entry.Line,
                        e);
                }
            });
        }

        return ReferenceEquals(value, entry.Value) ? entry : entry with { Value = value };
    }

    private sealed record Filter(string Name, Regex Reference, Func<string, string> Lookup);
}
