namespace Flume.Logging.Relay.Config;

/// <summary>
/// Keys no component read while it was built (<c>a1.channels.c1.capacty = 10</c>): Flume ignores them silently, so
/// a typo silently keeps a default. Each is reported with the closest key the component did read ("did you mean
/// capacity?"). Keys under a prefix handed to a nested part (<c>serializer.</c>, <c>selector.</c>,
/// <c>interceptors.</c>, <c>kafka.producer.</c> ...) are that part's and never reported.
/// </summary>
internal static class UnknownProperties
{
    // Read by the loader or the agent for every component, whatever its type.
    private static readonly string[] CommonKeys = ["type", "channels", "channel"];

    /// <summary>
    /// One warning per unread key of the agent's sources, channels and sinks, in configuration order. Call it right
    /// after the components were built, before they start and read more.
    /// </summary>
    public static IReadOnlyList<string> Find(AgentConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var warnings = new List<string>();
        Add(warnings, "source", configuration.Sources);
        Add(warnings, "channel", configuration.Channels);
        Add(warnings, "sink", configuration.Sinks);
        return warnings;
    }

    private static void Add(List<string> warnings, string noun, IEnumerable<ComponentConfiguration> components)
    {
        foreach (var component in components)
        {
            var context = component.Context;
            var known = context.Reads.Keys.ToList();
            foreach (var key in context.UnreadView.Keys.Order(StringComparer.Ordinal))
            {
                if (Array.IndexOf(CommonKeys, key) >= 0 || context.Reads.Knows(key))
                {
                    continue;
                }

                var origin = context.OriginOf(key);
                var located = origin is null ? "" : $"{origin.Location}: ";
                var closest = Closest(key, known.Concat(CommonKeys));
                var hint = closest is null ? "" : $"; did you mean {closest}?";
                warnings.Add(
                    $"{located}{context.FullKey(key)} is not a property of {noun} {component.Name} ({component.Type}) and is ignored{hint}");
            }
        }
    }

    /// <summary>The candidate nearest to <paramref name="key"/> by Levenshtein distance, if near enough to be a typo.</summary>
    internal static string? Closest(string key, IEnumerable<string> candidates)
    {
        // A third of the key, at least 1 and at most 3 edits: "capacty" finds "capacity", "foo" finds nothing.
        var limit = Math.Clamp(key.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var distance = Levenshtein(key, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    internal static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
