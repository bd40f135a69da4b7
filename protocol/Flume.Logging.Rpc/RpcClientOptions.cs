namespace Flume.Logging.Rpc;

/// <summary>
/// Settings of an RPC client, named after Flume SDK's client properties. Build one in code or from properties
/// with <c>RpcClientProperties.Parse</c>; validated by <see cref="Validate"/> when a client is built.
/// </summary>
public sealed class RpcClientOptions
{
    /// <summary><c>client.type</c>. Default: <see cref="RpcClientType.Default"/> (Avro, one host).</summary>
    public RpcClientType ClientType { get; set; } = RpcClientType.Default;

    /// <summary>
    /// Wire protocol of each host connection for the failover and load-balancing clients, which Flume builds from
    /// Avro clients. Default: false (Avro); <see cref="RpcClientType.Thrift"/> always uses Thrift.
    /// </summary>
    public bool UseThrift { get; set; }

    /// <summary><c>hosts</c> with <c>hosts.&lt;h&gt;</c>, in order. At least one; exactly one for the single-host types.</summary>
    public IList<RpcHost> Hosts { get; } = new List<RpcHost>();

    /// <summary><c>batch-size</c>: most events per <c>appendBatch</c> request. Default: 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary><c>connect-timeout</c>: time allowed to connect and complete the first (handshake) request. Default: 20 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(20_000);

    /// <summary><c>request-timeout</c>: time allowed for each later request. Default: 20 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(20_000);

    /// <summary><c>max-attempts</c>: hosts tried per call by the failover client. Default: the number of hosts (null).</summary>
    public int? MaxAttempts { get; set; }

    /// <summary><c>host-selector</c> of the load-balancing client. Default: <see cref="HostSelectorKind.RoundRobin"/>.</summary>
    public HostSelectorKind HostSelector { get; set; } = HostSelectorKind.RoundRobin;

    /// <summary><c>backoff</c>: whether the load-balancing client backs off from a failed host. Default: false.</summary>
    public bool Backoff { get; set; }

    /// <summary>
    /// <c>maxBackoff</c>: the longest a failed host is skipped (load balancing with backoff, and failover). Backoff
    /// doubles per consecutive failure from one second up to this. Default: 30 s.
    /// </summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMilliseconds(30_000);

    /// <summary><c>compression-type</c> for Avro connections. Default: <see cref="CompressionType.None"/>.</summary>
    public CompressionType Compression { get; set; } = CompressionType.None;

    /// <summary><c>compression-level</c> 0-9 for deflate. Default: 6.</summary>
    public int CompressionLevel { get; set; } = 6;

    /// <summary>Thrift <c>protocol</c>: compact or binary. Default: <see cref="ThriftProtocolKind.Compact"/>.</summary>
    public ThriftProtocolKind ThriftProtocol { get; set; } = ThriftProtocolKind.Compact;

    /// <summary>
    /// <c>reset-connection-interval</c> (seconds in Flume): reconnect after this long so a hardware load balancer
    /// can spread connections. Default: never (null).
    /// </summary>
    public TimeSpan? ResetConnectionInterval { get; set; }

    /// <summary>
    /// TLS (Flume's <c>ssl = true</c> with <c>truststore</c>, <c>trust-all-certs</c>...) on every host connection.
    /// Default: null, plain TCP.
    /// </summary>
    public Tls.TlsOptions? Tls { get; set; }

    /// <summary>Caps on the responses this client reads.</summary>
    public RpcLimits Limits { get; set; } = new();

    /// <summary>
    /// Whether the caller's thread is the client's own (a relay sink's runner thread, which waits for each answer
    /// anyway): connections then connect, send and read with blocking calls on it, and an answer wakes that thread
    /// alone instead of the socket engine's thread and a pool thread before it. Timeouts close the socket. Not for a
    /// caller on the thread pool, whose threads it would hold. Default: false (asynchronous sockets).
    /// </summary>
    internal bool BlockingIo { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting by its Flume property name.</summary>
    public void Validate()
    {
        if (Hosts.Count == 0)
        {
            throw new ArgumentException("hosts: at least one host is required", nameof(Hosts));
        }

        if (ClientType is RpcClientType.Default or RpcClientType.Thrift && Hosts.Count != 1)
        {
            throw new ArgumentException($"hosts: client.type {ClientType} takes exactly one host, got {Hosts.Count}", nameof(Hosts));
        }

        if (MaxAttempts is < 1)
        {
            throw new ArgumentException($"max-attempts {MaxAttempts} must be at least 1", nameof(MaxAttempts));
        }

        if (MaxBackoff < TimeSpan.Zero)
        {
            throw new ArgumentException($"maxBackoff {MaxBackoff.TotalMilliseconds} must not be negative", nameof(MaxBackoff));
        }

        ValidateConnection();
    }

    /// <summary>
    /// Checks only what one host connection uses (batch size, timeouts, compression, reset interval, limits): a
    /// single-host client is given its host directly and ignores <see cref="Hosts"/>.
    /// </summary>
    internal void ValidateConnection()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentException($"batch-size {BatchSize} must be at least 1", nameof(BatchSize));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"connect-timeout {ConnectTimeout.TotalMilliseconds} must be positive", nameof(ConnectTimeout));
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"request-timeout {RequestTimeout.TotalMilliseconds} must be positive", nameof(RequestTimeout));
        }

        if (CompressionLevel is < 0 or > 9)
        {
            throw new ArgumentException($"compression-level {CompressionLevel} is not in 0-9", nameof(CompressionLevel));
        }

        if (ResetConnectionInterval is { } reset && reset <= TimeSpan.Zero)
        {
            throw new ArgumentException("reset-connection-interval must be positive", nameof(ResetConnectionInterval));
        }

        Limits.Validate();
        Tls?.Validate(server: false);
    }
}
