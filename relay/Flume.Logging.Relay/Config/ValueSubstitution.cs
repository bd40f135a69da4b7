using System.Text;

namespace Flume.Logging.Relay.Config;

/// <summary>
/// Flume 1.10+'s variables in values, as Apache Commons Text's <c>StringSubstitutor</c> resolves them for Flume:
/// <c>${env:NAME}</c> is environment variable NAME, <c>${sys:NAME}</c> is system property NAME (a <c>-DNAME=value</c>
/// option), and <c>${NAME}</c> is the value of key NAME of the configuration files themselves. As in Commons Text,
/// <c>${NAME:-default}</c> gives a default, <c>$${...}</c> is a literal <c>${...}</c>, and a substituted value is
/// itself substituted. Keys are never substituted (as in Flume: "it currently works for values only").
/// </summary>
/// <remarks>
/// Where Flume would pass an unresolved <c>${env:...}</c> or <c>${sys:...}</c> on to the component (which then fails
/// with "'${env:NC_PORT}' is not an integer"), the relay names the key and the variable instead. An unresolved
/// <c>${NAME}</c> without a prefix is left as written, as in Flume, because config filter references
/// (<c>${f1['key']}</c>) and regex replacements (<c>${group}</c>) share that syntax.
/// </remarks>
public static class ValueSubstitution
{
    private const string DefaultSeparator = ":-";
    private const int MaxDepth = 32;

    /// <summary>
    /// The entries with their values substituted. A variable that cannot be resolved in a key of agent
    /// <paramref name="agent"/> or of <c>flume.monitoring.*</c> is an error; other agents' values that cannot be
    /// resolved are left as written, since they are not run.
    /// </summary>
    /// <param name="entries">The merged entries of the configuration files.</param>
    /// <param name="agent">The agent being run.</param>
    /// <param name="environment">Looks an environment variable up; null when it is not set.</param>
    /// <param name="systemProperty">Looks a system property (<c>-D</c> option) up; null when it is not set.</param>
    /// <exception cref="ConfigurationException">
    /// An <c>${env:...}</c> or <c>${sys:...}</c> variable without a default is not set, or variables refer to each
    /// other in a cycle; the message names the key, its <c>file:line</c> and the variable.
    /// </exception>
    public static IReadOnlyList<PropertyEntry> Apply(
        IReadOnlyList<PropertyEntry> entries, string agent, Func<string, string?> environment, Func<string, string?> systemProperty)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(systemProperty);

        var byKey = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            byKey[entry.Key] = entry;
        }

        var result = new List<PropertyEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (!entry.Value.Contains("${", StringComparison.Ordinal))
            {
                result.Add(entry);
                continue;
            }

            var strict = entry.Key.StartsWith(agent + ".", StringComparison.Ordinal) || FlumeConfiguration.IsMonitoringKey(entry.Key);
            var resolver = new Resolver(entry, byKey, environment, systemProperty, strict);
            result.Add(entry with { Value = resolver.Substitute(entry.Value, []) });
        }

        return result;
    }

    private sealed class Resolver(
        PropertyEntry entry,
        Dictionary<string, PropertyEntry> byKey,
        Func<string, string?> environment,
        Func<string, string?> systemProperty,
        bool strict)
    {
        public string Substitute(string value, List<string> resolving)
        {
            var text = new StringBuilder(value.Length);
            var i = 0;
            while (i < value.Length)
            {
                var start = value.IndexOf("${", i, StringComparison.Ordinal);
                if (start < 0)
                {
                    text.Append(value, i, value.Length - i);
                    break;
                }

                // Commons Text's escape: "$${x}" is the literal "${x}".
                if (start > i && value[start - 1] == '$')
                {
                    text.Append(value, i, start - 1 - i).Append("${");
                    i = start + 2;
                    continue;
                }

                text.Append(value, i, start - i);
                var end = MatchingBrace(value, start + 2);
                if (end < 0)
                {
                    text.Append(value, start, value.Length - start);
                    break;
                }

                var variable = value[(start + 2)..end];
                text.Append(Resolve(variable, resolving) ?? value[start..(end + 1)]);
                i = end + 1;
            }

            return text.ToString();
        }

        private string? Resolve(string variable, List<string> resolving)
        {
            var separator = variable.IndexOf(DefaultSeparator, StringComparison.Ordinal);
            var name = separator < 0 ? variable : variable[..separator];
            if (resolving.Contains(name) || resolving.Count >= MaxDepth)
            {
                throw Error($"the variables {string.Join(" -> ", resolving.Append(name).Select(n => "${" + n + "}"))} refer to each other in a cycle");
            }

            var found = Lookup(name);
            if (found is null && separator >= 0)
            {
                found = variable[(separator + DefaultSeparator.Length)..];
            }

            if (found is null)
            {
                if (strict && LookupKind(name) is { } kind)
                {
                    throw Error(
                        $"${{{name}}} refers to {kind} '{name[4..]}', which is not set (a default can be given as ${{{name}:-value}})");
                }

                return null;
            }

            resolving.Add(name);
            try
            {
                return Substitute(found, resolving);
            }
            finally
            {
                resolving.RemoveAt(resolving.Count - 1);
            }
        }

        private string? Lookup(string name)
        {
            if (name.StartsWith("env:", StringComparison.Ordinal))
            {
                return environment(name[4..]);
            }

            if (name.StartsWith("sys:", StringComparison.Ordinal))
            {
                return systemProperty(name[4..]);
            }

            // Commons Text's other lookups (date:, file:, base64Decoder: ...) are not offered; they stay as written.
            return name.Contains(':', StringComparison.Ordinal) ? null : byKey.GetValueOrDefault(name)?.Value;
        }

        private static string? LookupKind(string name) =>
            name.StartsWith("env:", StringComparison.Ordinal) ? "environment variable"
            : name.StartsWith("sys:", StringComparison.Ordinal) ? "system property (a -D option)"
            : null;

        private ConfigurationException Error(string message) =>
            new(entry.Key, $"{entry.Key}: {message}", entry.Source, entry.Line);

        // Nested "${" inside a variable (as in a default value) is skipped over, as Commons Text does.
        private static int MatchingBrace(string value, int from)
        {
            var depth = 0;
            for (var i = from; i < value.Length; i++)
            {
                if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '{')
                {
                    depth++;
                    i++;
                }
                else if (value[i] == '}')
                {
                    if (depth == 0)
                    {
                        return i;
                    }

                    depth--;
                }
            }

            return -1;
        }
    }
}
