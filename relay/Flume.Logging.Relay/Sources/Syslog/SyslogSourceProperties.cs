using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>Properties every syslog source reads the same way.</summary>
internal static class SyslogSourceProperties
{
    /// <summary><c>keepFields</c>, with <paramref name="defaultValue"/> when absent.</summary>
    public static SyslogFields KeepFields(ComponentContext properties, string defaultValue) =>
        SyslogFieldsParser.Parse(properties.GetString("keepFields", defaultValue), out var error)
        ?? throw properties.CreateError("keepFields", error!);

    /// <summary>An optional header name; blank counts as absent.</summary>
    public static string? HeaderName(ComponentContext properties, string key) =>
        properties.GetString(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
