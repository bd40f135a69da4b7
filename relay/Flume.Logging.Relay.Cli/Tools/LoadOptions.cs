using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>What <c>relay load</c> was asked to do.</summary>
internal sealed record LoadOptions
{
    /// <summary>The source's host.</summary>
    public required string Host { get; init; }

    /// <summary>The source's port.</summary>
    public required int Port { get; init; }

    /// <summary>Thrift (compact) instead of Avro.</summary>
    public bool Thrift { get; init; }

    /// <summary>
    /// Newline-terminated RFC 3164 lines to a syslog TCP source instead of Avro; <see cref="BodySize"/> is then the
    /// whole message's size.
    /// </summary>
    public bool Syslog { get; init; }

    /// <summary>HTTP POSTs of JSON batches (Flume's JSONHandler format) to an http source instead of Avro.</summary>
    public bool Http { get; init; }

    /// <summary>Stop after this many events; null when only <see cref="Duration"/> bounds the run.</summary>
    public long? Events { get; init; }

    /// <summary>Stop starting batches after this long; null when only <see cref="Events"/> bounds the run.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Bytes in each event body. Default: 100.</summary>
    public int BodySize { get; init; } = 100;

    /// <summary>Events per <c>appendBatch</c>. Default: 100, as Flume's RPC client.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Connections, each with one batch in flight. Default: 4.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>Cap on the total events per second; null for as fast as the peer answers.</summary>
    public double? Rate { get; init; }

    /// <summary>Avro deflate compression.</summary>
    public CompressionType Compression { get; init; } = CompressionType.None;

    /// <summary>Small headers per event. Default: 0.</summary>
    public int Headers { get; init; }

    /// <summary>Attempts per batch before it counts as failed. Default: 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait after the first failed attempt, doubled after each further one. Default: 100 ms.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Connect and request timeout of each connection. Default: 20 s, as Flume's client.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>TLS on every connection, HTTPS for http (<c>--ssl</c>, <c>--truststore</c>, <c>--trust-all-certs</c>). Default: null, plain TCP.</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>The client options of one connection.</summary>
    public RpcClientOptions ToClientOptions()
    {
        var options = new RpcClientOptions
        {
            ClientType = Thrift ? RpcClientType.Thrift : RpcClientType.Default,
            BatchSize = BatchSize,
            Compression = Compression,
            ConnectTimeout = Timeout,
            RequestTimeout = Timeout,
            Tls = Tls,
        };
        options.Hosts.Add(new RpcHost("h1", Host, Port));
        return options;
    }
}
