using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Agent;

/// <summary>Reads the Flume properties of the RPC sources and sinks into RPC options; errors name the exact key.</summary>
internal static class RpcComponentProperties
{
    private const int MiB = 1024 * 1024;

    /// <summary>
    /// An <c>avro</c> or <c>thrift</c> source: <c>bind</c>, <c>port</c>, <c>threads</c>, <c>compression-type</c>,
    /// <c>compression-level</c>, <c>protocol</c>, and our caps against hostile peers (<c>max-frame-length</c>,
    /// <c>max-buffer-count</c>, <c>max-batch-size</c>, and <see cref="Connections"/>' limits) and the SSL properties
    /// (<see cref="TlsComponentProperties"/>). <paramref name="observer"/> is told about connections;
    /// <paramref name="timeProvider"/> times the limits.
    /// </summary>
    public static RpcServerOptions Server(ComponentContext properties, bool avro, IConnectionObserver? observer = null, TimeProvider? timeProvider = null)
    {
        RejectKerberos(properties);
        var limits = new RpcLimits();
        return new RpcServerOptions
        {
            Bind = properties.GetRequiredString("bind").Trim(),
            Port = BuiltInComponents.Port(properties, "port"),
            MaxConnections = properties.GetString("threads") is null ? null : properties.GetInt32("threads", 1, 1, int.MaxValue),
            Compression = avro ? properties.GetEnum("compression-type", CompressionType.None) : CompressionType.None,
            CompressionLevel = properties.GetInt32("compression-level", 6, 0, 9),
            ThriftProtocol = avro ? ThriftProtocolKind.Compact : properties.GetEnum("protocol", ThriftProtocolKind.Compact),
            ConnectionObserver = observer,
            Connections = Connections(properties),
            TimeProvider = timeProvider ?? TimeProvider.System,
            Tls = TlsComponentProperties.Read(properties, server: true),
            Limits = new RpcLimits
            {
                MaxFrameLength = properties.GetInt32("max-frame-length", limits.MaxFrameLength, 1024, 1024 * MiB),
                MaxBufferCount = properties.GetInt32("max-buffer-count", limits.MaxBufferCount, 1, int.MaxValue),
                MaxBatchSize = properties.GetInt32("max-batch-size", limits.MaxBatchSize, 1, int.MaxValue),
            },
        };
    }

    /// <summary>
    /// The connection limits every network source shares: <c>max-connections</c>, <c>idle-timeout</c> (seconds),
    /// <c>min-data-rate</c> (bytes per second) and <c>min-data-rate-grace-period</c> (seconds); defaults as in
    /// <see cref="ConnectionLimits"/>.
    /// </summary>
    public static ConnectionLimits Connections(ComponentContext properties)
    {
        var defaults = new ConnectionLimits();
        return new ConnectionLimits
        {
            MaxConnections = properties.GetInt32("max-connections", defaults.MaxConnections, 0, int.MaxValue),
            IdleTimeout = properties.GetSeconds("idle-timeout", defaults.IdleTimeout),
            MinDataRate = properties.GetInt32("min-data-rate", (int)defaults.MinDataRate, 0, int.MaxValue),
            MinDataRateGracePeriod = properties.GetSeconds("min-data-rate-grace-period", defaults.MinDataRateGracePeriod),
        };
    }

    /// <summary>
    /// An <c>avro</c> or <c>thrift</c> sink: <c>hostname</c>, <c>port</c>, <c>batch-size</c>, <c>connect-timeout</c>,
    /// <c>request-timeout</c>, the reset interval (<c>reset-connection-interval</c> on avro,
    /// <c>connection-reset-interval</c> on thrift, seconds), <c>compression-type</c>/<c>compression-level</c> (avro)
    /// and <c>protocol</c> (thrift), and the SSL properties (<see cref="TlsComponentProperties"/>).
    /// </summary>
    public static RpcClientOptions Sink(string sinkName, ComponentContext properties, bool avro)
    {
        RejectKerberos(properties);
        var resetKey = avro ? "reset-connection-interval" : "connection-reset-interval";
        var reset = properties.GetSeconds(resetKey, TimeSpan.Zero);
        var options = new RpcClientOptions
        {
            ClientType = avro ? RpcClientType.Default : RpcClientType.Thrift,
            BatchSize = properties.GetInt32("batch-size", 100, 1, int.MaxValue),
            ConnectTimeout = properties.GetMilliseconds("connect-timeout", TimeSpan.FromMilliseconds(20_000)),
            RequestTimeout = properties.GetMilliseconds("request-timeout", TimeSpan.FromMilliseconds(20_000)),
            ResetConnectionInterval = reset > TimeSpan.Zero ? reset : null,
            Compression = avro ? properties.GetEnum("compression-type", CompressionType.None) : CompressionType.None,
            CompressionLevel = properties.GetInt32("compression-level", 6, 0, 9),
            ThriftProtocol = avro ? ThriftProtocolKind.Compact : properties.GetEnum("protocol", ThriftProtocolKind.Compact),
            Tls = TlsComponentProperties.Read(properties, server: false),

            // The sink's runner thread waits for each answer anyway: it reads it itself, woken by the kernel, instead
            // of the socket engine's thread waking a pool thread that then wakes it.
            BlockingIo = true,
        };
        properties.Require(options.ConnectTimeout > TimeSpan.Zero, "connect-timeout", "must be positive");
        properties.Require(options.RequestTimeout > TimeSpan.Zero, "request-timeout", "must be positive");
        options.Hosts.Add(new RpcHost(sinkName, properties.GetRequiredString("hostname").Trim(), BuiltInComponents.Port(properties, "port")));
        return options;
    }

    private static void RejectKerberos(ComponentContext properties)
    {
        // Refused at start rather than ignored: silently sending plain text where Kerberos was asked for would be worse.
        properties.Require(!properties.GetBoolean("kerberos", false), "kerberos", "= true: Kerberos is not supported by this relay");
    }
}
