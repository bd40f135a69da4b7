using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Appenders;

/// <summary>
/// Every setting of a Flume appender. The front ends bind their configuration to it; the delivery core validates it
/// once, when it starts, with <see cref="Validate"/>.
/// </summary>
public sealed class FlumeAppenderOptions
{
    /// <summary>
    /// <c>host:port</c> list of the relays, separated by spaces (as Flume writes it), commas or semicolons (as .NET
    /// settings often are). One host: a plain client. Several: load balancing over
    /// them with <see cref="Selector"/>, a failed host skipped for up to <see cref="MaxBackoff"/>, and a failed batch
    /// tried on the next host. Required; no default.
    /// </summary>
    public string Hosts { get; set; } = "";

    /// <summary>Wire protocol. Default: <see cref="FlumeProtocol.Avro"/>.</summary>
    public FlumeProtocol Protocol { get; set; } = FlumeProtocol.Avro;

    /// <summary>Compression of Avro connections (the relay's source must use the same). Default: <see cref="CompressionType.None"/>.</summary>
    public CompressionType Compression { get; set; } = CompressionType.None;

    /// <summary>Most events sent in one request. Default: 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest an event waits in the queue for its batch to fill before it is sent anyway. Default: 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most events held in memory waiting to be sent. Default: 100000 (as Serilog's batching queue), so a burst of log
    /// calls is absorbed while the relay is reachable. At most 16777216. The queue's slots (56 bytes each, their number
    /// rounded up to a power of two: 7 MiB for the default) are allocated once, when the appender starts, so log calls
    /// never allocate them.
    /// </summary>
    public int QueueLimit { get; set; } = 100_000;

    /// <summary>
    /// Most bytes (the encoded events: UTF-8 headers and bodies, and about 100 bytes each for the queue) held in memory
    /// waiting to be sent. Default: 64 MiB. An event larger than this on its own is dropped.
    /// </summary>
    public long QueueByteLimit { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// What a log call does when the queue is full. Default: <see cref="OverflowMode.DropNewest"/>: the call returns at
    /// once and the event is counted as dropped, as Serilog's batching, OpenTelemetry's batch processor and NLog's
    /// async wrapper do. <see cref="OverflowMode.Block"/> is an opt-in.
    /// </summary>
    public OverflowMode Overflow { get; set; } = OverflowMode.DropNewest;

    /// <summary>Longest a log call waits for room with <see cref="OverflowMode.Block"/>, then drops the event. Default: 100 ms.</summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Order in which several hosts are tried. Default: <see cref="HostSelectorKind.RoundRobin"/>.</summary>
    public HostSelectorKind Selector { get; set; } = HostSelectorKind.RoundRobin;

    /// <summary>
    /// Longest a failed relay is skipped. A relay that fails is skipped for 1 s, doubling with each failure in a row up
    /// to this cap (Flume's load-balancing backoff); while every relay is skipped, the delivery loop waits for the first
    /// to come back. Default: 30 s.
    /// </summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed to connect to a relay and complete the first request. Default: 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed for each later request. Default: 20 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Folder of the durable local buffer (Flume's file channel format). When set, events that cannot be sent (and
    /// those still queued at shutdown while the relays are down) are written there, survive a restart, and are sent
    /// first, in order, once a relay answers. Default: none (memory only).
    /// </summary>
    public string? BufferPath { get; set; }

    /// <summary>
    /// Most events the durable buffer holds; further events wait in the memory queue, and beyond it are dropped and
    /// counted. Default: 1000000.
    /// </summary>
    public int BufferSizeLimit { get; set; } = 1_000_000;

    /// <summary>Longest dispose spends sending what is still queued before it gives up (or buffers it to disk). Default: 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How a record becomes the event body. Default: <see cref="BodyFormat.Message"/>.</summary>
    public BodyFormat Body { get; set; } = BodyFormat.Message;

    /// <summary>
    /// Headers added to every event (for example an application name), after Flume's log4j headers, which they may
    /// override. Default: none.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Header that carries this machine's host name, or null for none. Default: <c>flume.client.log4j.address</c>,
    /// the header Flume's log4j appender defines for the client's address.
    /// </summary>
    public string? HostNameHeader { get; set; } = Log4jHeaders.Address;

    /// <summary>Whether each structured property of a record is also sent as a header of the same name. Default: false.</summary>
    public bool PropertiesAsHeaders { get; set; }

    /// <summary>TLS to the relays, whose avro or thrift source then has <c>ssl = true</c> (Flume's <c>ssl</c>). Default: false.</summary>
    public bool Ssl { get; set; }

    /// <summary>
    /// With <see cref="Ssl"/>: a JKS, PEM or PKCS12 file of the certificates the relay's chain must lead to (Flume's
    /// <c>truststore</c>). Default: null, the system's trusted roots.
    /// </summary>
    public string? Truststore { get; set; }

    /// <summary>The JKS or PKCS12 <see cref="Truststore"/>'s password (Flume's <c>truststore-password</c>). Default: null.</summary>
    public string? TruststorePassword { get; set; }

    /// <summary><c>JKS</c>, <c>PKCS12</c> or <c>PEM</c> (Flume's <c>truststore-type</c>). Default: null, read from the file.</summary>
    public string? TruststoreType { get; set; }

    /// <summary>With <see cref="Ssl"/>: accept any relay certificate, for tests (Flume's <c>trust-all-certs</c>). Default: false.</summary>
    public bool TrustAllCerts { get; set; }

    /// <summary>Space-separated protocols to enable, <c>TLSv1.2 TLSv1.3</c> (Flume's <c>include-protocols</c>). Default: null, both.</summary>
    public string? IncludeProtocols { get; set; }

    /// <summary>Space-separated protocols to disable (Flume's <c>exclude-protocols</c>). Default: null.</summary>
    public string? ExcludeProtocols { get; set; }

    /// <summary>Space-separated IANA cipher suite names to enable (Flume's <c>include-cipher-suites</c>). Default: null, the platform's.</summary>
    public string? IncludeCipherSuites { get; set; }

    /// <summary>Space-separated cipher suites to disable (Flume's <c>exclude-cipher-suites</c>). Default: null.</summary>
    public string? ExcludeCipherSuites { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var hosts = ParseHosts();
        if (hosts.Count == 0)
        {
            throw new ArgumentException("Hosts: at least one host:port is required", nameof(Hosts));
        }

        if (Protocol == FlumeProtocol.Thrift && Compression != CompressionType.None)
        {
            throw new ArgumentException("Compression: deflate is only available with the Avro protocol", nameof(Compression));
        }

        RequirePositive(BatchSize, nameof(BatchSize));
        RequirePositive(QueueLimit, nameof(QueueLimit));
        if (QueueLimit > RecordRing.MaxCapacity)
        {
            throw new ArgumentException($"QueueLimit {QueueLimit} must be at most {RecordRing.MaxCapacity}", nameof(QueueLimit));
        }

        RequirePositive(FlushInterval, nameof(FlushInterval));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(RequestTimeout, nameof(RequestTimeout));
        RequirePositive(MaxBackoff, nameof(MaxBackoff));
        RequirePositive(ShutdownTimeout, nameof(ShutdownTimeout));
        if (QueueByteLimit < 1)
        {
            throw new ArgumentException($"QueueByteLimit {QueueByteLimit} must be at least 1", nameof(QueueByteLimit));
        }

        if (BlockTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"BlockTimeout {BlockTimeout} must not be negative", nameof(BlockTimeout));
        }

        if (BufferPath is not null)
        {
            if (string.IsNullOrWhiteSpace(BufferPath))
            {
                throw new ArgumentException("BufferPath must not be blank; leave it unset for no disk buffer", nameof(BufferPath));
            }

            if (BufferSizeLimit < BatchSize)
            {
                throw new ArgumentException($"BufferSizeLimit {BufferSizeLimit} must be at least BatchSize {BatchSize}", nameof(BufferSizeLimit));
            }
        }

        if (!Enum.IsDefined(Overflow))
        {
            throw new ArgumentException($"Overflow {Overflow} is not Block, DropNewest or DropOldest", nameof(Overflow));
        }

        if (!Ssl && (Truststore is not null || TrustAllCerts))
        {
            throw new ArgumentException("Truststore and TrustAllCerts need Ssl = true", nameof(Ssl));
        }

        ToTlsOptions()?.Validate(server: false);
    }

    // A host:port never holds any of these, an IPv6 address in brackets included.
    private static readonly char[] HostSeparators = [' ', '\t', '\r', '\n', ',', ';'];

    /// <summary>The hosts as RPC hosts named h1, h2, ... Throws <see cref="ArgumentException"/> for an entry that is not host:port.</summary>
    internal List<RpcHost> ParseHosts()
    {
        var hosts = new List<RpcHost>();
        foreach (var entry in (Hosts ?? "").Split(HostSeparators, StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                hosts.Add(RpcHost.Parse($"h{hosts.Count + 1}", entry));
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"Hosts: {e.Message}", nameof(Hosts), e);
            }
        }

        return hosts;
    }

    /// <summary>
    /// The RPC client settings these options describe: always the load-balancing client with host backoff, even for
    /// one host, so a failed relay is skipped for 1 s, doubling up to <see cref="MaxBackoff"/>, and the delivery loop
    /// waits exactly as long as that backoff says before trying again: one retry schedule, not two stacked.
    /// </summary>
    internal RpcClientOptions ToRpcClientOptions()
    {
        var rpc = new RpcClientOptions
        {
            ClientType = RpcClientType.DefaultLoadBalance,
            BatchSize = BatchSize,
            ConnectTimeout = ConnectTimeout,
            RequestTimeout = RequestTimeout,
            Compression = Compression,
            HostSelector = Selector,
            Backoff = true,
            MaxBackoff = MaxBackoff,
            UseThrift = Protocol == FlumeProtocol.Thrift,
            Tls = ToTlsOptions(),
        };
        foreach (var host in ParseHosts())
        {
            rpc.Hosts.Add(host);
        }

        return rpc;
    }

    private TlsOptions? ToTlsOptions()
    {
        if (!Ssl)
        {
            return null;
        }

        var tls = new TlsOptions { Truststore = Truststore, TruststorePassword = TruststorePassword, TruststoreType = TruststoreType, TrustAllCerts = TrustAllCerts };
        AddWords(tls.IncludeProtocols, IncludeProtocols);
        AddWords(tls.ExcludeProtocols, ExcludeProtocols);
        AddWords(tls.IncludeCipherSuites, IncludeCipherSuites);
        AddWords(tls.ExcludeCipherSuites, ExcludeCipherSuites);
        return tls;
    }

    private static void AddWords(IList<string> list, string? words)
    {
        foreach (var word in (words ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(word);
        }
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentException($"{name} {value} must be at least 1", name);
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} {value} must be positive", name);
        }
    }
}
