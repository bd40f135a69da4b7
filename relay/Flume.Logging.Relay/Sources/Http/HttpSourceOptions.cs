using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// Settings of the <c>http</c> source, with Flume's property names and defaults, plus the two bounds Jetty leaves
/// open (<c>maxRequestSize</c>, <c>requestTimeout</c>) so one client cannot hold unbounded memory or a request slot.
/// </summary>
internal sealed class HttpSourceOptions
{
    /// <summary>Flume's default handler class.</summary>
    public const string JsonHandlerClass = "org.apache.flume.source.http.JSONHandler";

    /// <summary>Flume core's blob handler class (query parameters as headers, optional mandatory parameters).</summary>
    public const string CoreBlobHandlerClass = "org.apache.flume.source.http.BLOBHandler";

    /// <summary>The blob handler the user guide documents (morphline module): adds Content-Type, truncates at maxBlobLength.</summary>
    public const string MorphlineBlobHandlerClass = "org.apache.flume.sink.solr.morphline.BlobHandler";

    /// <summary>Default of <see cref="MaxBlobLength"/>, as Flume's BlobHandler.</summary>
    public const int DefaultMaxBlobLength = 100_000_000;

    /// <summary>Default of <see cref="MaxRequestSize"/>: BlobHandler's default blob length, so a Flume config that posts blobs of that size keeps working.</summary>
    public const long DefaultMaxRequestSize = 100_000_000;

    /// <summary>Default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Flume's deprecated names of the http source's SSL properties; the new name wins when both are set.</summary>
    private static readonly Dictionary<string, string> DeprecatedTlsKeys = new(StringComparer.Ordinal)
    {
        ["ssl"] = "enableSSL",
        ["keystore-password"] = "keystorePassword",
        ["exclude-protocols"] = "excludeProtocols",
    };

    /// <summary>Jetty's tuning prefixes that Flume passes to Jetty beans; they have no meaning for Kestrel.</summary>
    private static readonly string[] JettyPrefixes = ["QueuedThreadPool.", "HttpConfiguration.", "ServerConnector.", "SslContextFactory."];

    /// <summary>
    /// <c>ssl</c> (deprecated <c>enableSSL</c>) with <c>keystore</c>, <c>keystore-password</c> (deprecated
    /// <c>keystorePassword</c>), <c>keystore-type</c>, <c>include-/exclude-protocols</c> (deprecated
    /// <c>excludeProtocols</c>), <c>include-/exclude-cipher-suites</c>, or the global <c>-Djavax.net.ssl.*</c> /
    /// <c>FLUME_SSL_*</c> settings: HTTPS, with the keystore re-read when it changes. Default: null, plain HTTP.
    /// </summary>
    public TlsOptions? Tls { get; set; }

    /// <summary><c>bind</c>: host name or address to listen on. Default: 0.0.0.0 (every interface), as Flume.</summary>
    public string Bind { get; set; } = "0.0.0.0";

    /// <summary><c>port</c>: port to listen on (0 lets the system choose). Required.</summary>
    public int Port { get; set; }

    /// <summary><c>handler</c>: how a request becomes events. Default: <see cref="HttpHandlerKind.Json"/> (Flume's JSONHandler).</summary>
    public HttpHandlerKind Handler { get; set; } = HttpHandlerKind.Json;

    /// <summary>
    /// <c>handler.maxBlobLength</c> (morphline BlobHandler only): most body bytes kept in the event; a longer body is
    /// truncated with a warning, as Flume does. Default: 100000000.
    /// </summary>
    public int MaxBlobLength { get; set; } = DefaultMaxBlobLength;

    /// <summary>
    /// <c>handler.mandatoryParameters</c> (core BLOBHandler only): comma-separated query parameters every request must
    /// carry; a request without one is answered 400. Default: none.
    /// </summary>
    public IReadOnlyList<string> MandatoryParameters { get; set; } = [];

    /// <summary>
    /// <c>maxRequestSize</c> (relay only; Jetty has no limit): most request body bytes; a larger body is answered 413.
    /// Default: 100000000.
    /// </summary>
    public long MaxRequestSize { get; set; } = DefaultMaxRequestSize;

    /// <summary>
    /// <c>requestTimeout</c> (relay only, milliseconds): longest time to receive a request's body; a slower client is
    /// answered 408. Default: 30000.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>
    /// <c>max-connections</c>, <c>idle-timeout</c>, <c>min-data-rate</c>, <c>min-data-rate-grace-period</c>: set
    /// Kestrel's MaxConcurrentConnections, KeepAliveTimeout and MinRequestBodyDataRate, the same limits the TCP
    /// sources apply. Default: <see cref="ConnectionLimits"/>'s defaults.
    /// </summary>
    public ConnectionLimits Connections { get; set; } = new();

    /// <summary>
    /// The Jetty tuning keys given (<c>QueuedThreadPool.*</c>, <c>HttpConfiguration.*</c>, <c>ServerConnector.*</c>,
    /// <c>SslContextFactory.*</c>): accepted so Flume configurations load, logged at start and ignored. Their Kestrel
    /// counterparts are fixed: the .NET thread pool, Kestrel's keep-alive timeout, and the request bounds above.
    /// </summary>
    public IReadOnlyList<string> IgnoredJettyKeys { get; set; } = [];

    /// <summary>Reads an <c>http</c> source's properties; errors name the exact key.</summary>
    internal static HttpSourceOptions From(ComponentContext properties)
    {
        var handlerProperties = properties.GetSubContext("handler.");
        var handler = ParseHandler(properties);
        var requestTimeout = properties.GetMilliseconds("requestTimeout", DefaultRequestTimeout);
        properties.Require(requestTimeout > TimeSpan.Zero, "requestTimeout", "must be at least 1 (milliseconds)");
        return new HttpSourceOptions
        {
            Bind = properties.GetString("bind") is { } bind && !string.IsNullOrWhiteSpace(bind) ? bind.Trim() : "0.0.0.0",
            Port = BuiltInComponents.Port(properties, "port"),
            Handler = handler,
            MaxBlobLength = handler == HttpHandlerKind.MorphlineBlob
                ? handlerProperties.GetInt32("maxBlobLength", DefaultMaxBlobLength, 1, int.MaxValue)
                : DefaultMaxBlobLength,
            MandatoryParameters = handler == HttpHandlerKind.CoreBlob
                ? handlerProperties.GetString("mandatoryParameters", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [],
            MaxRequestSize = properties.GetInt64("maxRequestSize", DefaultMaxRequestSize, 1, Array.MaxLength),
            RequestTimeout = requestTimeout,
            Connections = RpcComponentProperties.Connections(properties),
            Tls = TlsComponentProperties.Read(properties, server: true, DeprecatedTlsKeys),
            // Through sub-contexts, so only these keys (not all of the source's) count as known to the source.
            IgnoredJettyKeys = JettyPrefixes
                .SelectMany(p => properties.GetSubContext(p).Properties.Keys.Select(k => p + k))
                .Order(StringComparer.Ordinal)
                .ToArray(),
        };
    }

    private static HttpHandlerKind ParseHandler(ComponentContext properties)
    {
        var name = properties.GetString("handler", JsonHandlerClass).Trim();
        return name switch
        {
            JsonHandlerClass => HttpHandlerKind.Json,
            CoreBlobHandlerClass => HttpHandlerKind.CoreBlob,
            MorphlineBlobHandlerClass => HttpHandlerKind.MorphlineBlob,
            _ => throw properties.CreateError(
                "handler",
                $"'{name}' is not a handler this relay has: use {JsonHandlerClass} (the default), {CoreBlobHandlerClass} or {MorphlineBlobHandlerClass}"),
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bind))
        {
            throw new ArgumentException("bind must not be blank", nameof(Bind));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"port must be 0-65535 (got {Port})", nameof(Port));
        }

        if (MaxBlobLength < 1)
        {
            throw new ArgumentException($"handler.maxBlobLength must be at least 1 (got {MaxBlobLength})", nameof(MaxBlobLength));
        }

        if (MaxRequestSize < 1 || MaxRequestSize > Array.MaxLength)
        {
            throw new ArgumentException($"maxRequestSize must be 1-{Array.MaxLength} bytes (got {MaxRequestSize})", nameof(MaxRequestSize));
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"requestTimeout must be positive (got {RequestTimeout.TotalMilliseconds} ms)", nameof(RequestTimeout));
        }

        Tls?.Validate(server: true);
    }
}
