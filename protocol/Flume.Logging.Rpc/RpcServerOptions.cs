using System.Net;

namespace Flume.Logging.Rpc;

/// <summary>
/// Settings of an Avro or Thrift RPC server, as set by the <c>avro</c> and <c>thrift</c> sources' properties.
/// Validated by <see cref="Validate"/> when a server is built.
/// </summary>
public sealed class RpcServerOptions
{
    /// <summary>Host name or address to listen on (Flume's <c>bind</c>). Required.</summary>
    public string Bind { get; set; } = "";

    /// <summary>Port to listen on (Flume's <c>port</c>); 0 picks a free one. Required.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Most connections served at once (Flume's <c>threads</c>); further clients wait in the accept backlog.
    /// Default: unlimited (null).
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>Avro stream compression (Flume's <c>compression-type</c>). Default: <see cref="CompressionType.None"/>.</summary>
    public CompressionType Compression { get; set; } = CompressionType.None;

    /// <summary>zlib level 0-9 when <see cref="Compression"/> is deflate (Flume's <c>compression-level</c>). Default: 6.</summary>
    public int CompressionLevel { get; set; } = 6;

    /// <summary>Thrift protocol (Flume's <c>protocol</c>). Default: <see cref="ThriftProtocolKind.Compact"/>.</summary>
    public ThriftProtocolKind ThriftProtocol { get; set; } = ThriftProtocolKind.Compact;

    /// <summary>
    /// TLS (Flume's <c>ssl = true</c> with its keystore properties); connections must open with a TLS handshake.
    /// Default: null, plain TCP.
    /// </summary>
    public Tls.TlsOptions? Tls { get; set; }

    /// <summary>Caps on what a peer may send; a request over a cap closes its connection.</summary>
    public RpcLimits Limits { get; set; } = new();

    /// <summary>Limits on connections: how many, how idle, how slow. Default: <see cref="ConnectionLimits"/>'s defaults.</summary>
    public ConnectionLimits Connections { get; set; } = new();

    /// <summary>The clock of <see cref="Connections"/>' timeouts. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Decides, before a connection is served, whether its peer may use the server (the avro source's
    /// <c>ipFilterRules</c>); a refused peer is closed without a byte. Default: every peer is served (null).
    /// </summary>
    public Func<IPAddress, CancellationToken, ValueTask<bool>>? PeerFilter { get; set; }

    /// <summary>Told when connections open and close and when a peer's input is rejected. Default: none.</summary>
    public IConnectionObserver? ConnectionObserver { get; set; }

    /// <summary>
    /// How many plain TCP connections at a time are each served on a thread of their own, which costs one thread
    /// wake-up per request instead of the socket engine's two (see <c>Connection.RunOnOwnThread</c>). Further
    /// connections, and every TLS or compressed one, go through the socket engine. Not a Flume property: ours to tune
    /// and to test both paths with. Default: 64.
    /// </summary>
    internal int OwnThreadConnections { get; set; } = 64;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bind))
        {
            throw new ArgumentException("bind is required", nameof(Bind));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"port {Port} is not in 0-65535", nameof(Port));
        }

        if (MaxConnections is < 1)
        {
            throw new ArgumentException($"threads {MaxConnections} must be at least 1", nameof(MaxConnections));
        }

        if (CompressionLevel is < 0 or > 9)
        {
            throw new ArgumentException($"compression-level {CompressionLevel} is not in 0-9", nameof(CompressionLevel));
        }

        if (OwnThreadConnections < 0)
        {
            throw new ArgumentException($"OwnThreadConnections {OwnThreadConnections} must not be negative", nameof(OwnThreadConnections));
        }

        Limits.Validate();
        Connections.Validate();
        Tls?.Validate(server: true);
    }
}
