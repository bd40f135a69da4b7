namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>Reads Flume's <c>keepFields</c> value: <c>none</c>, <c>all</c>, the deprecated booleans, or a list of fields.</summary>
internal static class SyslogFieldsParser
{
    /// <summary>
    /// Returns the fields to keep, or null with <paramref name="error"/> naming the word that is none of
    /// <c>priority version timestamp hostname</c> (Flume ignores such words silently; a typo here would
    /// otherwise quietly change every body).
    /// </summary>
    public static SyslogFields? Parse(string value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = null;
        var trimmed = value.Trim();
        if (trimmed.Equals("none", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase) || trimmed.Length == 0)
        {
            return SyslogFields.None;
        }

        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return SyslogFields.All;
        }

        var fields = SyslogFields.None;
        foreach (var word in trimmed.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            SyslogFields? field = word.ToUpperInvariant() switch
            {
                "PRIORITY" => SyslogFields.Priority,
                "VERSION" => SyslogFields.Version,
                "TIMESTAMP" => SyslogFields.Timestamp,
                "HOSTNAME" => SyslogFields.Hostname,
                _ => null,
            };
            if (field is null)
            {
                error = $"'{word}' is not a field; use none, all, or a space-separated list of priority version timestamp hostname";
                return null;
            }

            fields |= field.Value;
        }

        return fields;
    }
}
