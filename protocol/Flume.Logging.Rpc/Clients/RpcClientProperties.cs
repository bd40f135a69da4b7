using System.Globalization;

namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// Reads Flume SDK client properties (<c>client.type</c>, <c>hosts</c>, <c>hosts.&lt;alias&gt;</c>, <c>batch-size</c>,
/// …) into <see cref="RpcClientOptions"/>, as Flume's <c>RpcClientFactory.getInstance(Properties)</c> does.
/// </summary>
public static class RpcClientProperties
{
    /// <summary><c>client.type</c>: default | thrift | default_loadbalance | default_failover.</summary>
    public const string ClientType = "client.type";

    /// <summary>
    /// <c>host-client.type</c>: default | thrift, the protocol of each host connection of the failover and
    /// load-balancing clients (our addition; Flume always uses Avro there).
    /// </summary>
    public const string HostClientType = "host-client.type";

    /// <summary><c>hosts</c>: space-separated host aliases, each configured by <c>hosts.&lt;alias&gt;</c>.</summary>
    public const string Hosts = "hosts";

    /// <summary>Prefix of <c>hosts.&lt;alias&gt; = host:port</c>.</summary>
    public const string HostPrefix = "hosts.";

    /// <summary><c>batch-size</c>, events per <c>appendBatch</c>.</summary>
    public const string BatchSize = "batch-size";

    /// <summary><c>connect-timeout</c> in milliseconds.</summary>
    public const string ConnectTimeout = "connect-timeout";

    /// <summary><c>request-timeout</c> in milliseconds.</summary>
    public const string RequestTimeout = "request-timeout";

    /// <summary><c>max-attempts</c>, hosts tried per call by the failover client.</summary>
    public const string MaxAttempts = "max-attempts";

    /// <summary><c>host-selector</c>: round_robin | random.</summary>
    public const string HostSelector = "host-selector";

    /// <summary><c>backoff</c>: true | false.</summary>
    public const string Backoff = "backoff";

    /// <summary><c>maxBackoff</c> in milliseconds; 0 means the default.</summary>
    public const string MaxBackoff = "maxBackoff";

    /// <summary><c>compression-type</c>: none | deflate.</summary>
    public const string CompressionType = "compression-type";

    /// <summary><c>compression-level</c>: 0-9.</summary>
    public const string CompressionLevel = "compression-level";

    /// <summary><c>protocol</c> of Thrift connections: compact | binary.</summary>
    public const string Protocol = "protocol";

    /// <summary><c>reset-connection-interval</c> in seconds; 0 means never.</summary>
    public const string ResetConnectionInterval = "reset-connection-interval";

    private static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromMilliseconds(30_000);

    /// <summary>
    /// Builds validated options from <paramref name="properties"/>. Keys not listed here are ignored, as Flume
    /// does; names of values are matched ignoring case, as Flume does.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A value is unknown or not a valid number, or <c>hosts</c> or a <c>hosts.&lt;alias&gt;</c> is missing or bad;
    /// the message names the property key and the value.
    /// </exception>
    public static RpcClientOptions Parse(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var options = new RpcClientOptions();

        if (Get(properties, ClientType) is { } clientType)
        {
            options.ClientType = clientType.ToUpperInvariant() switch
            {
                "DEFAULT" => RpcClientType.Default,
                "THRIFT" => RpcClientType.Thrift,
                "DEFAULT_LOADBALANCE" => RpcClientType.DefaultLoadBalance,
                "DEFAULT_FAILOVER" => RpcClientType.DefaultFailover,
                _ => throw Bad(ClientType, clientType, "expected default, thrift, default_loadbalance or default_failover"),
            };
        }

        if (Get(properties, HostClientType) is { } hostClientType)
        {
            options.UseThrift = hostClientType.ToUpperInvariant() switch
            {
                "DEFAULT" => false,
                "THRIFT" => true,
                _ => throw Bad(HostClientType, hostClientType, "expected default or thrift"),
            };
        }

        ParseHosts(properties, options);

        if (Get(properties, BatchSize) is { } batchSize)
        {
            options.BatchSize = ParseInt(BatchSize, batchSize, 1, int.MaxValue);
        }

        if (Get(properties, ConnectTimeout) is { } connectTimeout)
        {
            options.ConnectTimeout = TimeSpan.FromMilliseconds(ParseLong(ConnectTimeout, connectTimeout, 1));
        }

        if (Get(properties, RequestTimeout) is { } requestTimeout)
        {
            options.RequestTimeout = TimeSpan.FromMilliseconds(ParseLong(RequestTimeout, requestTimeout, 1));
        }

        if (Get(properties, MaxAttempts) is { } maxAttempts)
        {
            options.MaxAttempts = ParseInt(MaxAttempts, maxAttempts, 1, int.MaxValue);
        }

        if (Get(properties, HostSelector) is { } hostSelector)
        {
            options.HostSelector = hostSelector.ToUpperInvariant() switch
            {
                "ROUND_ROBIN" => HostSelectorKind.RoundRobin,
                "RANDOM" => HostSelectorKind.Random,
                _ => throw Bad(HostSelector, hostSelector, "expected round_robin or random"),
            };
        }

        if (Get(properties, Backoff) is { } backoff)
        {
            options.Backoff = backoff.ToUpperInvariant() switch
            {
                "TRUE" => true,
                "FALSE" => false,
                _ => throw Bad(Backoff, backoff, "expected true or false"),
            };
        }

        if (Get(properties, MaxBackoff) is { } maxBackoff)
        {
            // Flume treats 0 as "not set".
            var millis = ParseLong(MaxBackoff, maxBackoff, 0);
            options.MaxBackoff = millis == 0 ? DefaultMaxBackoff : TimeSpan.FromMilliseconds(millis);
        }

        if (Get(properties, CompressionType) is { } compressionType)
        {
            options.Compression = compressionType.ToUpperInvariant() switch
            {
                "NONE" => Rpc.CompressionType.None,
                "DEFLATE" => Rpc.CompressionType.Deflate,
                _ => throw Bad(CompressionType, compressionType, "expected none or deflate"),
            };
        }

        if (Get(properties, CompressionLevel) is { } compressionLevel)
        {
            options.CompressionLevel = ParseInt(CompressionLevel, compressionLevel, 0, 9);
        }

        if (Get(properties, Protocol) is { } protocol)
        {
            options.ThriftProtocol = protocol.ToUpperInvariant() switch
            {
                "COMPACT" => ThriftProtocolKind.Compact,
                "BINARY" => ThriftProtocolKind.Binary,
                _ => throw Bad(Protocol, protocol, "expected compact or binary"),
            };
        }

        if (Get(properties, ResetConnectionInterval) is { } reset)
        {
            // Flume's 0 (its default) disables the periodic reconnect.
            var seconds = ParseLong(ResetConnectionInterval, reset, 0);
            options.ResetConnectionInterval = seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
        }

        options.Validate();
        return options;
    }

    private static void ParseHosts(IReadOnlyDictionary<string, string> properties, RpcClientOptions options)
    {
        var hosts = Get(properties, Hosts)
            ?? throw new ArgumentException($"{Hosts} is required (space-separated host aliases, each set by {HostPrefix}<alias> = host:port)");
        var aliases = hosts.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (aliases.Length == 0)
        {
            throw Bad(Hosts, hosts, "expected at least one host alias");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var alias in aliases)
        {
            if (!seen.Add(alias))
            {
                throw Bad(Hosts, hosts, $"alias '{alias}' is listed twice");
            }

            var key = HostPrefix + alias;
            var address = Get(properties, key)
                ?? throw new ArgumentException($"{key} is missing: host alias '{alias}' is listed in {Hosts} but has no host:port");
            try
            {
                options.Hosts.Add(RpcHost.Parse(alias, address));
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"{key} = '{address}' is invalid: {e.Message}", e);
            }
        }
    }

    private static string? Get(IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value) ? value.Trim() : null;

    private static int ParseInt(string key, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw Bad(key, value, max == int.MaxValue ? $"expected a whole number of at least {min}" : $"expected a whole number in {min}-{max}");
        }

        return number;
    }

    private static long ParseLong(string key, string value, long min)
    {
        // TimeSpan.FromMilliseconds and FromSeconds overflow far below long.MaxValue; a year is plenty.
        const long Max = 365L * 24 * 3600 * 1000;
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > Max)
        {
            throw Bad(key, value, $"expected a whole number in {min}-{Max}");
        }

        return number;
    }

    private static ArgumentException Bad(string key, string value, string expected) =>
        new($"{key} = '{value}' is invalid: {expected}");
}
