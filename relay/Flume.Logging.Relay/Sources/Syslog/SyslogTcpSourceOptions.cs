using System.Globalization;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Settings of the <c>syslogtcp</c> and <c>multiport_syslogtcp</c> sources, with Flume's property names and
/// defaults. <c>syslogtcp</c> listens on one <c>port</c>; <c>multiport_syslogtcp</c> on <c>ports</c> and also reads
/// the charset, batch and buffer properties.
/// </summary>
internal sealed class SyslogTcpSourceOptions
{
    /// <summary>Flume's default eventSize: 2500 bytes.</summary>
    public const int DefaultEventSize = 2500;

    /// <summary>Flume's default batchSize of the multiport source: 100 events.</summary>
    public const int DefaultBatchSize = 100;

    /// <summary>Flume's default readBufferSize of the multiport source: 1024 bytes.</summary>
    public const int DefaultReadBufferSize = 1024;

    /// <summary><c>host</c>: host name or address to listen on. Required.</summary>
    public string Host { get; set; } = "";

    /// <summary><c>port</c> (syslogtcp) or <c>ports</c> (multiport, space-separated): ports to listen on; 0 picks a free one. Required.</summary>
    public IReadOnlyList<int> Ports { get; set; } = [];

    /// <summary><c>eventSize</c>: most bytes in one event; a longer message is cut and flagged <c>Incomplete</c>. Default: 2500.</summary>
    public int EventSize { get; set; } = DefaultEventSize;

    /// <summary><c>keepFields</c>: header fields kept in the body. Default: none.</summary>
    public SyslogFields KeepFields { get; set; } = SyslogFields.None;

    /// <summary><c>clientIPHeader</c>: header that receives the client's address. Default: none.</summary>
    public string? ClientIPHeader { get; set; }

    /// <summary><c>clientHostnameHeader</c>: header that receives the client's host name (reverse lookup). Default: none.</summary>
    public string? ClientHostnameHeader { get; set; }

    /// <summary><c>portHeader</c> (multiport): header that receives the local port the message came in on. Default: none.</summary>
    public string? PortHeader { get; set; }

    /// <summary><c>charset.default</c> (multiport): charset a frame must decode in to be parsed. Default: UTF-8.</summary>
    public SyslogCharset DefaultCharset { get; set; } = SyslogCharset.Utf8;

    /// <summary><c>charset.port.&lt;port&gt;</c> (multiport): per-port charsets. Default: none.</summary>
    public IReadOnlyDictionary<int, SyslogCharset> PortCharsets { get; set; } = new Dictionary<int, SyslogCharset>();

    /// <summary><c>batchSize</c> (multiport): most events committed in one channel transaction. Default: 100.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>
    /// <c>readBufferSize</c> (multiport): Mina's read buffer size. Accepted and checked for compatibility; the
    /// connection's pipe sizes its own buffers. Default: 1024.
    /// </summary>
    public int ReadBufferSize { get; set; } = DefaultReadBufferSize;

    /// <summary>
    /// <c>numProcessors</c> (multiport): Mina's processor threads. Accepted for compatibility; connections run on
    /// the thread pool. Default: auto-detected (null).
    /// </summary>
    public int? NumProcessors { get; set; }

    /// <summary>
    /// <c>max-connections</c> (per port), <c>idle-timeout</c>, <c>min-data-rate</c>, <c>min-data-rate-grace-period</c>:
    /// limits against idle or trickling peers (a frame is a syslog message). Default: <see cref="ConnectionLimits"/>'s
    /// defaults.
    /// </summary>
    public ConnectionLimits Connections { get; set; } = new();

    /// <summary>
    /// <c>ssl</c> with <c>keystore</c>, <c>keystore-password</c>, <c>keystore-type</c>, <c>include-/exclude-protocols</c>,
    /// <c>include-/exclude-cipher-suites</c> (or the global <c>-Djavax.net.ssl.*</c> / <c>FLUME_SSL_*</c> settings):
    /// TLS on every port, as the avro and thrift sources do it (the keystore re-read when it changes, a plain-text
    /// client named in a warning). Default: null, plain TCP (<c>ssl</c> false).
    /// </summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>Reads a <c>syslogtcp</c> (<paramref name="multiport"/> false) or <c>multiport_syslogtcp</c> source's properties; errors name the exact key.</summary>
    internal static SyslogTcpSourceOptions From(ComponentContext properties, bool multiport)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var options = new SyslogTcpSourceOptions
        {
            Tls = TlsComponentProperties.Read(properties, server: true),
            Host = properties.GetRequiredString("host").Trim(),
            Ports = multiport ? ReadPorts(properties) : [BuiltInComponents.Port(properties, "port")],
            EventSize = properties.GetInt32("eventSize", DefaultEventSize, 1, int.MaxValue),
            KeepFields = SyslogSourceProperties.KeepFields(properties, "none"),
            ClientIPHeader = SyslogSourceProperties.HeaderName(properties, "clientIPHeader"),
            ClientHostnameHeader = SyslogSourceProperties.HeaderName(properties, "clientHostnameHeader"),
            Connections = RpcComponentProperties.Connections(properties),
        };
        if (!multiport)
        {
            return options;
        }

        options.PortHeader = SyslogSourceProperties.HeaderName(properties, "portHeader");
        options.DefaultCharset = Charset(properties, "charset.default", properties.GetString("charset.default", "UTF-8"));
        var perPort = new Dictionary<int, SyslogCharset>();
        foreach (var (key, value) in properties.GetSubContext("charset.port.").Properties)
        {
            var fullKey = "charset.port." + key;
            properties.Require(int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535, fullKey, $"names no port: '{key}' is not 0-65535");
            perPort[port] = Charset(properties, fullKey, value);
        }

        options.PortCharsets = perPort;
        options.BatchSize = properties.GetInt32("batchSize", DefaultBatchSize, 1, int.MaxValue);
        options.ReadBufferSize = properties.GetInt32("readBufferSize", DefaultReadBufferSize, 1, int.MaxValue);
        options.NumProcessors = properties.GetString("numProcessors") is null ? null : properties.GetInt32("numProcessors", 1, 1, 1024);
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("host is required", nameof(Host));
        }

        if (Ports.Count == 0 || Ports.Any(p => p is < 0 or > 65535))
        {
            throw new ArgumentException($"ports must be one or more ports 0-65535 (got '{string.Join(' ', Ports)}')", nameof(Ports));
        }

        if (EventSize < 1 || BatchSize < 1 || ReadBufferSize < 1)
        {
            throw new ArgumentException($"eventSize, batchSize and readBufferSize must be at least 1 (got {EventSize}, {BatchSize}, {ReadBufferSize})", nameof(EventSize));
        }

        Connections.Validate();
        Tls?.Validate(server: true);
    }

    private static int[] ReadPorts(ComponentContext properties)
    {
        var words = properties.GetRequiredString("ports").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var ports = new int[words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            properties.Require(
                int.TryParse(words[i], NumberStyles.None, CultureInfo.InvariantCulture, out ports[i]) && ports[i] <= 65535,
                "ports",
                $"must be space-separated ports 0-65535 ('{words[i]}' is not)");
        }

        return ports;
    }

    private static SyslogCharset Charset(ComponentContext properties, string key, string name) =>
        SyslogCharset.TryGet(name, out var error) ?? throw properties.CreateError(key, error!);
}
