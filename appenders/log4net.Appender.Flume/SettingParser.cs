using System.Globalization;
using Flume.Logging.Rpc;

namespace log4net.Appender.Flume;

/// <summary>
/// Reads the appender's settings, which arrive as the text written in <c>log4net.config</c>. Each bad value throws an
/// <see cref="ArgumentException"/> whose message and parameter name are the setting's name, so the appender can report
/// it through log4net's error handler instead of log4net failing on a type conversion that names nothing.
/// An unset (null) value keeps the default handed in, which always comes from the core's options.
/// </summary>
internal static class SettingParser
{
    /// <summary>A whole number, or <paramref name="fallback"/> when unset.</summary>
    public static int Int(string? value, string name, int fallback) =>
        value is null ? fallback
        : int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw Bad(name, value, "is not a whole number");

    /// <summary>A whole number, or <paramref name="fallback"/> when unset.</summary>
    public static long Long(string? value, string name, long fallback) =>
        value is null ? fallback
        : long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw Bad(name, value, "is not a whole number");

    /// <summary><c>true</c> or <c>false</c> in any case, or <paramref name="fallback"/> when unset.</summary>
    public static bool Bool(string? value, string name, bool fallback) =>
        value is null ? fallback
        : bool.TryParse(value.Trim(), out var parsed) ? parsed
        : throw Bad(name, value, "is not true or false");

    /// <summary>
    /// A duration written as <c>hh:mm:ss[.fff]</c>, or as a whole number of milliseconds (how Flume's Log4jAppender
    /// writes <c>Timeout</c> and <c>MaxBackoff</c>), or <paramref name="fallback"/> when unset.
    /// </summary>
    public static TimeSpan Duration(string? value, string name, TimeSpan fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        var text = value.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw Bad(name, value, "is not a duration (hh:mm:ss[.fff], or a whole number of milliseconds)");
    }

    /// <summary>One of <typeparamref name="T"/>'s names in any case, or <paramref name="fallback"/> when unset.</summary>
    public static T Enum<T>(string? value, string name, T fallback)
        where T : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        // Enum.TryParse also takes numbers, which would let "7" through as an undefined value.
        foreach (var candidate in System.Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        throw Bad(name, value, $"is not one of {string.Join(", ", System.Enum.GetNames<T>())}");
    }

    /// <summary>
    /// The host selector: Flume's <c>ROUND_ROBIN</c> and <c>RANDOM</c>, or our <c>RoundRobin</c> and <c>Random</c>, in
    /// any case. Flume also takes a selector class name; no such class exists here, so one is refused by name.
    /// </summary>
    public static HostSelectorKind Selector(string? value, string name, HostSelectorKind fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        var text = value.Trim();
        var bare = text.Replace("_", "", StringComparison.Ordinal);
        if (string.Equals(bare, nameof(HostSelectorKind.RoundRobin), StringComparison.OrdinalIgnoreCase))
        {
            return HostSelectorKind.RoundRobin;
        }

        if (string.Equals(bare, nameof(HostSelectorKind.Random), StringComparison.OrdinalIgnoreCase))
        {
            return HostSelectorKind.Random;
        }

        throw text.Contains('.', StringComparison.Ordinal)
            ? Bad(name, value, "names a selector class; custom selector classes are not supported, use ROUND_ROBIN or RANDOM")
            : Bad(name, value, "is not ROUND_ROBIN or RANDOM");
    }

    /// <summary>The error for a value that cannot be read; the message starts with the setting's name.</summary>
    public static ArgumentException Bad(string name, string value, string problem) =>
        new($"{name} '{value}' {problem}", name);
}
