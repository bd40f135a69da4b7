using System.Globalization;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// Where to serve metrics, from Flume's <c>flume.monitoring.*</c> settings: <c>type</c> (only <c>http</c>),
/// <c>port</c> (default 41414, as Flume's) and <c>bind</c> (default 127.0.0.1, so metrics are not exposed
/// beyond the host unless asked for).
/// </summary>
internal sealed record MonitoringOptions(string Bind, int Port)
{
    /// <summary>The prefix of every monitoring key.</summary>
    public const string Prefix = "flume.monitoring.";

    /// <summary>Flume's default port of the http monitoring server.</summary>
    public const int DefaultPort = 41414;

    /// <summary>
    /// Reads the settings: <c>-D</c> system properties win over the properties file's top-level keys, and
    /// <c>--metrics-port</c> wins over both (and alone turns http monitoring on). Null when monitoring is off.
    /// Throws <see cref="ConfigurationException"/> naming the key (and <c>file:line</c>) of a bad value.
    /// </summary>
    public static MonitoringOptions? From(
        IReadOnlyList<PropertyEntry> fileEntries, IReadOnlyDictionary<string, string> systemProperties, int? metricsPort)
    {
        ArgumentNullException.ThrowIfNull(fileEntries);
        ArgumentNullException.ThrowIfNull(systemProperties);
        var settings = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var entry in fileEntries)
        {
            if (FlumeConfiguration.IsMonitoringKey(entry.Key))
            {
                settings[entry.Key[Prefix.Length..]] = new Setting(entry.Key, entry.Value.Trim(), entry.Source, entry.Line);
            }
        }

        foreach (var (key, value) in systemProperties)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                settings[key[Prefix.Length..]] = new Setting("-D" + key, value.Trim(), null, 0);
            }
        }

        if (metricsPort is { } port)
        {
            if (port is < 0 or > 65535)
            {
                throw new ConfigurationException("--metrics-port", $"--metrics-port must be a port 0-65535 (got {port})");
            }

            return new MonitoringOptions(BindOf(settings), port);
        }

        if (!settings.TryGetValue("type", out var type))
        {
            foreach (var other in settings.Values)
            {
                throw other.Error($"is set but {Prefix}type is not; set {Prefix}type=http to serve metrics");
            }

            return null;
        }

        // Flume takes its alias or, as for any component, the class name.
        if (!type.Value.Equals("http", StringComparison.OrdinalIgnoreCase)
            && !type.Value.Equals("org.apache.flume.instrumentation.http.HTTPMetricsServer", StringComparison.Ordinal))
        {
            throw type.Error($"unknown monitoring type '{type.Value}'; this relay serves only 'http' (JSON at /metrics, Prometheus at /metrics/prometheus)");
        }

        var chosen = DefaultPort;
        if (settings.TryGetValue("port", out var portSetting)
            && (!int.TryParse(portSetting.Value, NumberStyles.None, CultureInfo.InvariantCulture, out chosen) || chosen > 65535))
        {
            throw portSetting.Error($"must be a port 0-65535 (got '{portSetting.Value}')");
        }

        return new MonitoringOptions(BindOf(settings), chosen);
    }

    private static string BindOf(Dictionary<string, Setting> settings)
    {
        if (!settings.TryGetValue("bind", out var bind))
        {
            return "127.0.0.1";
        }

        return bind.Value.Length > 0 ? bind.Value : throw bind.Error("must name a host or address to listen on");
    }

    private sealed record Setting(string Key, string Value, string? Source, int Line)
    {
        public ConfigurationException Error(string why) => new(Key, $"{Key} {why}", Source, Line);
    }
}
