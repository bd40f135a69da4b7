using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Support;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// Flume's <c>http</c> source, served by Kestrel: each POST (or GET) on any path is turned into events by the
/// handler and committed to the channels in one transaction, and only then answered 200. A full channel is answered
/// 503, a malformed request 400, a body over <c>maxRequestSize</c> 413 and a body slower than
/// <c>requestTimeout</c> 408, each with a one-line message naming the cause.
/// </summary>
/// <remarks>
/// Methods follow Flume's servlet: GET is handled as POST (HEAD too, with no body in the answer); TRACE and OPTIONS
/// are forbidden (403) by Flume's security constraint; PUT and DELETE are 405 and other methods 501.
/// </remarks>
internal sealed partial class HttpSource : ISource, IMonitoredComponent, IAsyncDisposable, IHttpApplication<HttpContext>
{
    /// <summary>Flume's class name, accepted as <c>type</c> like the alias <c>http</c>.</summary>
    public const string FlumeClass = "org.apache.flume.source.http.HTTPSource";

    /// <summary>First buffer for a body of unknown length; it doubles as needed.</summary>
    private const int InitialBufferSize = 16 * 1024;

    private readonly HttpSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IHttpSourceHandler _handler;
    private readonly HttpsConnections? _https;
    private readonly PlainHttpConnections? _plain;
    private readonly FailurePacer _refusals;
    private ServiceProvider? _services;
    private KestrelServer? _server;
    private IPEndPoint? _localEndPoint;

    public HttpSource(string name, HttpSourceOptions options, ChannelProcessor processor, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        Name = name;
        Counter = new SourceCounter(name, time);
        _options = options;
        _processor = processor;
        _time = time;
        _refusals = new FailurePacer(time);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<HttpSource>();
        _handler = options.Handler switch
        {
            HttpHandlerKind.CoreBlob => BlobHandler.Core(options.MandatoryParameters),
            HttpHandlerKind.MorphlineBlob => BlobHandler.Morphline(options.MaxBlobLength),
            _ => new JsonHandler(),
        };
        _https = options.Tls is null ? null : new HttpsConnections(name, options.Tls, _logger, time);
        _plain = options.Tls is null ? new PlainHttpConnections(name, options.RequestTimeout, _logger, time) : null;
    }

    public string Name { get; }

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>The bound address, valid once started.</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ?? throw new InvalidOperationException($"http source {Name} is not started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException($"http source {Name} was already started");
        }

        var address = await TcpServer.ResolveBindAddressAsync($"http source {Name}", _options.Bind, cancellationToken);
        ListenOptions? listen = null;
        _services = new ServiceCollection().BuildServiceProvider();
        var kestrel = new KestrelServerOptions { ApplicationServices = _services };

        // Kestrel enforces the same bounds as the source, so a body it refuses first is refused the same way.
        kestrel.Limits.MaxRequestBodySize = _options.MaxRequestSize;
        kestrel.Limits.RequestHeadersTimeout = _options.RequestTimeout;
        ApplyConnectionLimits(kestrel.Limits, _options.Connections);
        kestrel.Listen(new IPEndPoint(address, _options.Port), o =>
        {
            // Jetty's connector speaks HTTP/1.1 only; h2c by prior knowledge would be a surprise on a Flume port.
            o.Protocols = HttpProtocols.Http1;
            _https?.Configure(o);
            _plain?.Configure(o);
            listen = o;
        });
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), _loggerFactory);
        var server = new KestrelServer(Options.Create(kestrel), transport, _loggerFactory);
        try
        {
            await server.StartAsync(this, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Kestrel reports a port in use as an IOException, an address this host does not have as a SocketException.
            server.Dispose();
            var why = e.InnerException is AddressInUseException ? "the port is already in use" : e.Message;
            throw new RpcServerException($"http source {Name} cannot listen on {_options.Bind}:{_options.Port}: {why}", e);
        }

        _server = server;
        var bound = listen!.IPEndPoint!;
        _localEndPoint = bound;
        Counter.Start();
        LogListening(Name, bound, _options.Handler, _https is null ? "plain HTTP" : "HTTPS");
        if (_options.IgnoredJettyKeys.Count > 0)
        {
            // The logger writes a list as "a, b, c".
            LogJettyKeysIgnored(Name, _options.IgnoredJettyKeys);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not { } server)
        {
            return;
        }

        // Graceful: requests in flight finish (their batch is committed and answered) unless the stop is cut short.
        await server.StopAsync(cancellationToken);
        Counter.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await StopAsync(timeout.Token);
            server.Dispose();
            _server = null;
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _https?.Dispose();
    }

    HttpContext IHttpApplication<HttpContext>.CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    Task IHttpApplication<HttpContext>.ProcessRequestAsync(HttpContext context) => HandleAsync(context);

    void IHttpApplication<HttpContext>.DisposeContext(HttpContext context, Exception? exception)
    {
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (MethodRefusal(request.Method) is { } refusal)
        {
            if (refusal == StatusCodes.Status405MethodNotAllowed)
            {
                context.Response.Headers.Allow = "GET, HEAD, POST";
            }

            await AnswerAsync(context, refusal, $"HTTP method {request.Method} is not accepted: send events with POST.");
            return;
        }

        var (buffer, length, truncated) = await ReadBodyAsync(context);
        if (buffer is null)
        {
            return;
        }

        IReadOnlyList<FlumeEvent> events;
        try
        {
            if (truncated)
            {
                // The rest of the body stays unread: close after answering rather than drain it.
                LogTruncated(Name, _handler.TruncateAt);
                context.Response.Headers.Connection = "close";
            }

            events = _handler.GetEvents(request, buffer.AsSpan(0, length));
        }
        catch (HttpBadRequestException e)
        {
            Counter.AddEventReadFail(1);
            LogBadRequest(Name, context.Connection.RemoteIpAddress, e.Message);
            await AnswerAsync(context, StatusCodes.Status400BadRequest, "Bad request from client. " + e.Message);
            return;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await CommitAsync(context, events);
    }

    private async Task CommitAsync(HttpContext context, IReadOnlyList<FlumeEvent> events)
    {
        Counter.IncrementAppendBatchReceived();
        Counter.AddEventsReceived(events.Count);
        try
        {
            if (events.Count > 0)
            {
                // Not cancelled by the client going away: a batch already read is committed whole or not at all.
                await _processor.ProcessClientBatchAsync(events, CancellationToken.None);
            }
        }
        catch (ChannelException e)
        {
            Counter.IncrementChannelWriteFail();
            if (_refusals.Failed(events.Count) is { } tally)
            {
                LogChannelFailed(Name, events.Count, e.Message, tally.Failures, tally.Events);
            }

            await AnswerAsync(context, StatusCodes.Status503ServiceUnavailable, "Error appending event to channel. Channel might be full. " + e.Message);
            return;
        }
#pragma warning disable CA1031 // Whatever else the channels throw, the client is told 500 (as Flume does) and the server goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogUnexpected(e, Name, events.Count);
            await AnswerAsync(context, StatusCodes.Status500InternalServerError, "Unexpected error while appending event to channel. " + e.Message);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        Counter.IncrementAppendBatchAccepted();
        Counter.AddEventsAccepted(events.Count);
        if (_refusals.Succeeded() is { } refused)
        {
            LogTakenAgain(Name, refused.Failures, refused.Events);
        }
    }

    /// <summary>
    /// Reads the body into a pooled buffer (returned by the caller), bounded by <c>maxRequestSize</c>, the handler's
    /// truncation length and <c>requestTimeout</c>. When the body cannot be taken the client has been answered and
    /// the buffer is null.
    /// </summary>
    private async Task<(byte[]? Buffer, int Length, bool Truncated)> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        var truncating = _handler.TruncateAt <= _options.MaxRequestSize;

        // One byte past the limit tells "exactly at the limit" from "over it".
        var capacity = (int)(truncating ? _handler.TruncateAt : _options.MaxRequestSize + 1);
        if (!truncating && request.ContentLength > _options.MaxRequestSize)
        {
            await RefuseTooLargeAsync(context, request.ContentLength.Value);
            return (null, 0, false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(capacity, request.ContentLength ?? InitialBufferSize));
        var length = 0;
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        try
        {
            while (length < capacity)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(capacity, Math.Max((long)buffer.Length * 2, InitialBufferSize)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, capacity) - length), cancel.Token);
                if (read == 0)
                {
                    return (buffer, length, false);
                }

                length += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or BadHttpRequestException or IOException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await AnswerReadFailureAsync(context, e, timeout.IsCancellationRequested, length);
            return (null, 0, false);
        }

        if (truncating)
        {
            return (buffer, length, true);
        }

        ArrayPool<byte>.Shared.Return(buffer);
        await RefuseTooLargeAsync(context, null);
        return (null, 0, false);
    }

    private async Task AnswerReadFailureAsync(HttpContext context, Exception e, bool timedOut, int received)
    {
        if (timedOut)
        {
            Counter.AddEventReadFail(1);
            LogTimedOut(Name, context.Connection.RemoteIpAddress, received);
            await AnswerAsync(context, StatusCodes.Status408RequestTimeout, $"The request body was not received within requestTimeout ({_options.RequestTimeout.TotalMilliseconds} ms).", close: true);
        }
        else if (e is BadHttpRequestException bad && bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RefuseTooLargeAsync(context, null);
        }
        else if (e is BadHttpRequestException other)
        {
            Counter.AddEventReadFail(1);
            await AnswerAsync(context, other.StatusCode, "Bad request from client. " + other.Message, close: true);
        }

        // Otherwise the client went away: there is nobody to answer.
    }

    private Task RefuseTooLargeAsync(HttpContext context, long? declared)
    {
        Counter.AddEventReadFail(1);
        LogTooLarge(Name, context.Connection.RemoteIpAddress, declared ?? _options.MaxRequestSize + 1, _options.MaxRequestSize);
        var size = declared is { } bytes ? $"of {bytes} bytes " : "";
        return AnswerAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body {size}is over maxRequestSize ({_options.MaxRequestSize} bytes).", close: true);
    }

    /// <summary>
    /// An error answer: the status and a one-line message. With <paramref name="close"/> the connection is closed
    /// after it, so the unread rest of a refused body is not drained.
    /// </summary>
    private static async Task AnswerAsync(HttpContext context, int status, string message, bool close = false)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (close)
        {
            response.Headers.Connection = "close";
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n", CancellationToken.None);
    }

    /// <summary>The status a method is refused with, or null when it carries events (Flume's servlet: POST, GET, HEAD).</summary>
    private static int? MethodRefusal(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? null
        : HttpMethods.IsTrace(method) || HttpMethods.IsOptions(method) ? StatusCodes.Status403Forbidden
        : HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) ? StatusCodes.Status405MethodNotAllowed
        : StatusCodes.Status501NotImplemented;

    /// <summary>The TCP sources' limits in Kestrel's terms; a zero limit leaves Kestrel's check off.</summary>
    private static void ApplyConnectionLimits(KestrelServerLimits limits, ConnectionLimits connections)
    {
        limits.MaxConcurrentConnections = connections.MaxConnections > 0 ? connections.MaxConnections : null;
        if (connections.IdleTimeout > TimeSpan.Zero)
        {
            limits.KeepAliveTimeout = connections.IdleTimeout;
        }

        limits.MinRequestBodyDataRate = connections.MinDataRate > 0
            ? new MinDataRate(connections.MinDataRate, connections.MinDataRateGracePeriod)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "http source {Source} listening on {EndPoint} with the {Handler} handler, {Scheme}")]
    private partial void LogListening(string source, IPEndPoint endPoint, HttpHandlerKind handler, string scheme);

    [LoggerMessage(Level = LogLevel.Information, Message = "http source {Source}: Jetty settings have no meaning for Kestrel and are ignored: {Keys}")]
    private partial void LogJettyKeysIgnored(string source, IEnumerable<string> keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: bad request from {Peer}: {Reason}")]
    private partial void LogBadRequest(string source, IPAddress? peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: request body longer than handler.maxBlobLength ({Length} bytes), truncating BLOB event")]
    private partial void LogTruncated(string source, long length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: a request body of {Length} bytes or more from {Peer} is over maxRequestSize ({Limit} bytes); answered 413")]
    private partial void LogTooLarge(string source, IPAddress? peer, long length, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: {Peer} sent {Received} body bytes and then nothing within requestTimeout; answered 408")]
    private partial void LogTimedOut(string source, IPAddress? peer, int received);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: {Count} events not stored, answered 503: {Reason}. Consider increasing the channel capacity or make sure the sinks perform faster. Refused since the last such warning (one per 10 s at most): {Requests} requests, {Events} events")]
    private partial void LogChannelFailed(string source, int count, string reason, int requests, long events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: the channels take requests again. Refused since the last warning: {Requests} requests, {Events} events")]
    private partial void LogTakenAgain(string source, int requests, long events);

    [LoggerMessage(Level = LogLevel.Error, Message = "http source {Source}: unexpected error storing {Count} events; answered 500")]
    private partial void LogUnexpected(Exception exception, string source, int count);
}
