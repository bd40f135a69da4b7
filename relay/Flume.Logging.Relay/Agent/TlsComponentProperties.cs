using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// Reads Flume's per-component SSL properties (<c>ssl</c>, <c>keystore</c>, <c>keystore-password</c>,
/// <c>keystore-type</c>, <c>truststore</c>..., <c>trust-all-certs</c>, <c>include-/exclude-protocols</c>,
/// <c>include-/exclude-cipher-suites</c>) into <see cref="TlsOptions"/>, falling back to Flume's global setup
/// for what a component leaves unset: the <c>FLUME_SSL_*</c> environment variables, which the relay command sets
/// from <c>-Djavax.net.ssl.*</c> and <c>-Dflume.ssl.*</c> so that the system properties win as in Flume.
/// </summary>
internal static class TlsComponentProperties
{
    /// <summary>
    /// The TLS options of a component, or null when <c>ssl</c> is not true. Errors name the exact key.
    /// <paramref name="deprecated"/> maps a property to its deprecated name (the http source's <c>enableSSL</c>,
    /// <c>keystorePassword</c>, <c>excludeProtocols</c>), read when the property itself is not set.
    /// </summary>
    public static TlsOptions? Read(ComponentContext properties, bool server, IReadOnlyDictionary<string, string>? deprecated = null)
    {
        string Key(string key) =>
            properties.GetString(key) is null && deprecated is not null && deprecated.TryGetValue(key, out var old) && properties.GetString(old) is not null
                ? old
                : key;

        if (!properties.GetBoolean(Key("ssl"), false))
        {
            return null;
        }

        var options = new TlsOptions
        {
            Keystore = Value(properties, "keystore", "FLUME_SSL_KEYSTORE_PATH"),
            KeystorePassword = Value(properties, Key("keystore-password"), "FLUME_SSL_KEYSTORE_PASSWORD"),
            KeystoreType = Value(properties, "keystore-type", "FLUME_SSL_KEYSTORE_TYPE"),
            KeystoreKey = Value(properties, "keystore-key", null),
            Truststore = Value(properties, "truststore", "FLUME_SSL_TRUSTSTORE_PATH"),
            TruststorePassword = Value(properties, "truststore-password", "FLUME_SSL_TRUSTSTORE_PASSWORD"),
            TruststoreType = Value(properties, "truststore-type", "FLUME_SSL_TRUSTSTORE_TYPE"),
            TrustAllCerts = properties.GetBoolean("trust-all-certs", false),
        };
        AddList(options.IncludeProtocols, properties, "include-protocols", "FLUME_SSL_INCLUDE_PROTOCOLS");
        AddList(options.ExcludeProtocols, properties, Key("exclude-protocols"), "FLUME_SSL_EXCLUDE_PROTOCOLS");
        AddList(options.IncludeCipherSuites, properties, "include-cipher-suites", "FLUME_SSL_INCLUDE_CIPHERSUITES");
        AddList(options.ExcludeCipherSuites, properties, "exclude-cipher-suites", "FLUME_SSL_EXCLUDE_CIPHERSUITES");
        try
        {
            options.Validate(server);
        }
        catch (ArgumentException e)
        {
            throw properties.CreateError(e, "ssl");
        }

        // The files themselves are read when the component starts (and a source re-reads them when they change), so
        // --check passes for a configuration written before its certificates are deployed.
        return options;
    }

    private static string? Value(ComponentContext properties, string key, string? environment)
    {
        var value = properties.GetString(key)?.Trim();
        if (string.IsNullOrEmpty(value) && environment is not null)
        {
            value = Environment.GetEnvironmentVariable(environment)?.Trim();
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }

    // Components separate list entries by spaces; Flume's global settings by commas.
    private static void AddList(IList<string> list, ComponentContext properties, string key, string environment)
    {
        IEnumerable<string> words = properties.GetList(key);
        if (properties.GetString(key) is null && Environment.GetEnvironmentVariable(environment) is { } global)
        {
            words = global.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        foreach (var word in words)
        {
            list.Add(word);
        }
    }
}
