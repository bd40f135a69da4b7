namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Flume's <c>-Dkey=value</c> arguments (Java system properties) and the JVM's <c>-X</c> options, split off before
/// the rest is parsed, so <c>flume-ng</c> command lines work unchanged.
/// </summary>
internal sealed class SystemProperties
{
    private SystemProperties(IReadOnlyDictionary<string, string> values, string[] remaining, string[] jvmOptions)
    {
        Values = values;
        Remaining = remaining;
        JvmOptions = jvmOptions;
    }

    /// <summary>
    /// The <c>-X</c> options (<c>-Xmx2g</c>, ...), which flume-ng passes to the JVM: accepted, so a flume-ng command
    /// line runs unchanged, and warned about, since they mean nothing to the relay.
    /// </summary>
    public IReadOnlyList<string> JvmOptions { get; }

    /// <summary>The <c>-D</c> properties, later ones winning.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The arguments that are not <c>-D</c> properties, in order.</summary>
    public string[] Remaining { get; }

    // Flume's global SSL setup: each system property and the environment variable it takes precedence over.
    private static readonly (string Property, string Environment)[] SslSettings =
    [
        ("javax.net.ssl.keyStore", "FLUME_SSL_KEYSTORE_PATH"),
        ("javax.net.ssl.keyStorePassword", "FLUME_SSL_KEYSTORE_PASSWORD"),
        ("javax.net.ssl.keyStoreType", "FLUME_SSL_KEYSTORE_TYPE"),
        ("javax.net.ssl.trustStore", "FLUME_SSL_TRUSTSTORE_PATH"),
        ("javax.net.ssl.trustStorePassword", "FLUME_SSL_TRUSTSTORE_PASSWORD"),
        ("javax.net.ssl.trustStoreType", "FLUME_SSL_TRUSTSTORE_TYPE"),
        ("flume.ssl.include.protocols", "FLUME_SSL_INCLUDE_PROTOCOLS"),
        ("flume.ssl.exclude.protocols", "FLUME_SSL_EXCLUDE_PROTOCOLS"),
        ("flume.ssl.include.cipherSuites", "FLUME_SSL_INCLUDE_CIPHERSUITES"),
        ("flume.ssl.exclude.cipherSuites", "FLUME_SSL_EXCLUDE_CIPHERSUITES"),
    ];

    /// <summary>
    /// Carries the global SSL system properties into this process's <c>FLUME_SSL_*</c> variables, where the
    /// components read their defaults: a <c>-D</c> value overrides the variable, as the system property does in Flume.
    /// </summary>
    public void ExportSslSettings()
    {
        foreach (var (property, environment) in SslSettings)
        {
            if (Values.TryGetValue(property, out var value))
            {
                Environment.SetEnvironmentVariable(environment, value);
            }
        }
    }

    public static SystemProperties Extract(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var remaining = new List<string>();
        var jvmOptions = new List<string>();
        foreach (var arg in args)
        {
            if (arg.Length > 2 && arg.StartsWith("-X", StringComparison.Ordinal))
            {
                jvmOptions.Add(arg);
            }
            else if (arg.Length > 2 && arg.StartsWith("-D", StringComparison.Ordinal))
            {
                var body = arg[2..];
                var equals = body.IndexOf('=', StringComparison.Ordinal);
                values[equals < 0 ? body : body[..equals]] = equals < 0 ? "" : body[(equals + 1)..];
            }
            else
            {
                remaining.Add(arg);
            }
        }

        return new SystemProperties(values, [.. remaining], [.. jvmOptions]);
    }

    /// <summary>
    /// Looks a property up for <c>${sys:NAME}</c>: a <c>-D</c> option, else the few standard JVM properties
    /// configurations use for paths (<c>user.home</c>, <c>user.dir</c>, <c>user.name</c>, <c>java.io.tmpdir</c>).
    /// </summary>
    public static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return name => values.TryGetValue(name, out var value) ? value : name switch
        {
            "user.home" => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            "user.dir" => Environment.CurrentDirectory,
            "user.name" => Environment.UserName,
            "java.io.tmpdir" => Path.GetTempPath(),
            _ => null,
        };
    }
}
