using System.Text.RegularExpressions;

namespace Flume.Logging.Relay.Config.Filters;

/// <summary>
/// Flume's configuration filters (1.10+): <c>a1.configfilters = f1</c> with <c>a1.configfilters.f1.type = env</c>
/// replaces every <c>${f1['NAME']}</c> (also <c>${f1["NAME"]}</c> and <c>${f1[NAME]}</c>, anywhere in a value) in
/// the agent's values by environment variable NAME, before the agent is built. Only <c>env</c> is supported;
/// Flume's <c>hadoop</c> and <c>external</c> filters are refused rather than leaving secrets unresolved.
/// </summary>
internal static class ConfigFilters
{
    private const string FiltersKey = "configfilters";

    private static readonly string[] EnvTypes = ["env", "org.apache.flume.configfilter.EnvironmentVariableConfigFilter"];

    private static readonly string[] UnsupportedTypes =
    [
        "hadoop", "org.apache.flume.configfilter.HadoopCredentialStoreConfigFilter",
        "external", "org.apache.flume.configfilter.ExternalProcessConfigFilter",
    ];

    /// <summary>
    /// The entries with agent <paramref name="agent"/>'s filter references resolved; the same list when the agent
    /// declares no filters. The filters' own keys and other agents' keys are left as written.
    /// </summary>
    /// <param name="agent">The agent being loaded.</param>
    /// <param name="entries">The file's entries.</param>
    /// <param name="environment">Looks an environment variable up; null when it is not set.</param>
    /// <exception cref="ConfigurationException">
    /// A filter has no type, an unsupported or unknown type, or a referenced variable is not set.
    /// </exception>
    public static IReadOnlyList<PropertyEntry> Apply(
        string agent, IReadOnlyList<PropertyEntry> entries, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(environment);

        var prefix = agent + ".";
        var filtersPrefix = prefix + FiltersKey + ".";
        var filters = ReadFilters(prefix, filtersPrefix, entries);
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
            result.Add(isAgentValue ? Resolve(entry, filters, environment) : entry);
        }

        return result;
    }

    private static List<(string Name, Regex Reference)> ReadFilters(
        string prefix, string filtersPrefix, IReadOnlyList<PropertyEntry> entries)
    {
        PropertyEntry? list = null;
        var types = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Key == prefix + FiltersKey)
            {
                list = entry;
            }
            else if (entry.Key.StartsWith(filtersPrefix, StringComparison.Ordinal) && entry.Key.EndsWith(".type", StringComparison.Ordinal))
            {
                types[entry.Key[filtersPrefix.Length..^".type".Length]] = entry;
            }
        }

        var filters = new List<(string, Regex)>();
        if (list is null)
        {
            return filters;
        }

        foreach (var name in list.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var typeKey = filtersPrefix + name + ".type";
            if (!types.TryGetValue(name, out var typeEntry) || string.IsNullOrWhiteSpace(typeEntry.Value))
            {
                var origin = typeEntry ?? list;
                throw new ConfigurationException(
                    typeKey, $"{typeKey} is required: config filter '{name}' is listed in {list.Key} but has no type (only env is supported)", origin.Source, origin.Line);
            }

            var type = typeEntry.Value.Trim();
            if (Array.Exists(UnsupportedTypes, t => t.Equals(type, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ConfigurationException(
                    typeKey, $"{typeKey}: config filter type '{type}' is not supported by the relay; only env (environment variables) is", typeEntry.Source, typeEntry.Line);
            }

            if (!Array.Exists(EnvTypes, t => t.Equals(type, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ConfigurationException(
                    typeKey, $"{typeKey} names an unknown config filter type '{type}'; known: env", typeEntry.Source, typeEntry.Line);
            }

            // As Flume's: the quotes are optional but must match, and the key runs up to the closing bracket.
            var reference = new Regex(
                @"\$\{" + Regex.Escape(name) + @"\[(?<quote>['""]?)(?<key>[^'""\]]+)\k<quote>\]\}",
                RegexOptions.CultureInvariant);
            filters.Add((name, reference));
        }

        return filters;
    }

    private static PropertyEntry Resolve(
        PropertyEntry entry, List<(string Name, Regex Reference)> filters, Func<string, string?> environment)
    {
        var value = entry.Value;
        foreach (var (name, reference) in filters)
        {
            if (!value.Contains("${" + name + "[", StringComparison.Ordinal))
            {
                continue;
            }

            value = reference.Replace(value, match =>
            {
                var variable = match.Groups["key"].Value;
                return environment(variable) ?? throw new ConfigurationException(
                    entry.Key,
                    $"{entry.Key} refers to environment variable '{variable}' through config filter '{name}', but it is not set",
                    entry.Source,
                    entry.Line);
            });
        }

        return ReferenceEquals(value, entry.Value) ? entry : entry with { Value = value };
    }
}
