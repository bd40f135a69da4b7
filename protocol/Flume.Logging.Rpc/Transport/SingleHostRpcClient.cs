using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// The connection lifecycle shared by the single-host Flume clients: one connection opened on first use, one request
/// at a time, batches split into <see cref="RpcClientOptions.BatchSize"/> requests, a deadline on every request, a
/// fresh connection after <see cref="RpcClientOptions.ResetConnectionInterval"/>, and any failure dropping the
/// connection so the next call reconnects. Subclasses supply the wire protocol and the wording of their errors.
/// </summary>
/// <remarks>
/// The four abstract <c>bool</c> properties are the places where the Avro and Thrift clients behaved differently
/// before they shared this type; each client keeps its own answer so that neither changes observably.
/// </remarks>
internal abstract class SingleHostRpcClient : IRpcClient
{
    private readonly RpcHost _host;
    private readonly TimeProvider _timeProvider;
    private readonly StreamWrapper? _wrapStream;
    private readonly TlsAuthenticator? _tls;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Connection? _connection;
    private long _connectedAt;

    // The request deadline, re-armed for each request while it never fired (a request allocates no timer then).
    private CancellationTokenSource? _deadline;
    private volatile bool _disposed;

    /// <param name="host">The one host this client talks to.</param>
    /// <param name="options">Timeouts, batch size, reset interval and frame limits.</param>
    /// <param name="timeProvider">The clock for request deadlines and the reset interval.</param>
    /// <param name="wrapStream">Wraps each new connection's stream (compression), or null.</param>
    /// <param name="target">How every error message and log line names the peer; it must contain host:port.</param>
    protected SingleHostRpcClient(RpcHost host, RpcClientOptions options, TimeProvider timeProvider, StreamWrapper? wrapStream, string target)
    {
        _host = host;
        Options = options;
        _timeProvider = timeProvider;
        _wrapStream = wrapStream;
        _tls = options.Tls is null ? null : TlsAuthenticator.ForClient(options.Tls);
        Target = target;
    }

    public int BatchSize => Options.BatchSize;

    public bool IsActive => !_disposed;

    protected RpcClientOptions Options { get; }

    /// <summary>The peer as every message of this client names it (host:port, maybe with a protocol prefix).</summary>
    protected string Target { get; }

    /// <summary>
    /// True: a batch holds the client until all its requests are done, so its requests go out back to back.
    /// False: other callers may take turns between a batch's requests, and a dispose in between ends the batch.
    /// </summary>
    protected abstract bool HoldsGateAcrossBatch { get; }

    /// <summary>
    /// True: a call after dispose throws <see cref="EventDeliveryException"/>, without waiting for the request in
    /// flight. False: it throws <see cref="ObjectDisposedException"/> once it has its turn.
    /// </summary>
    protected abstract bool ReportsUseAfterDisposeAsDeliveryFailure { get; }

    /// <summary>
    /// True: connecting and the first request on the new connection share one <see cref="RpcClientOptions.ConnectTimeout"/>
    /// deadline (a session handshake rides on that request). False: the connect has its own ConnectTimeout and the
    /// first request its RequestTimeout, and a failed connect surfaces as <see cref="TcpConnector"/> reports it.
    /// </summary>
    protected abstract bool OpensSessionWithinConnectTimeout { get; }

    /// <summary>
    /// True: a connection dropped between requests (reset interval, a status other than OK, dispose) is closed in
    /// order. False: it is reset like one dropped mid-request.
    /// </summary>
    protected abstract bool ClosesIdleConnectionGracefully { get; }

    public ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        return AppendOneAsync(flumeEvent, cancellationToken);
    }

    // The pooling builders keep the state machines of a request (here, SendAsync and the protocol's exchange) out of the
    // heap: a sink or an appender makes one call per batch for as long as it runs.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var holdGate = HoldsGateAcrossBatch;
        var entered = false;
        try
        {
            for (var start = 0; start < events.Count; start += Options.BatchSize)
            {
                if (!entered)
                {
                    await EnterAsync(cancellationToken);
                    entered = true;
                }

                await SendAsync(null, events, start, Math.Min(Options.BatchSize, events.Count - start), cancellationToken);
                if (!holdGate)
                {
                    entered = false;
                    _gate.Release();
                }
            }
        }
        finally
        {
            if (entered)
            {
                _gate.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _gate.WaitAsync();
        try
        {
            await DropConnectionAsync(abort: !ClosesIdleConnectionGracefully);
        }
        finally
        {
            _deadline?.Dispose();
            _deadline = null;
            _gate.Release();
            _tls?.Dispose();
        }
    }

    /// <summary>A new connection is open: reset per-connection protocol state (a handshake) and log it.</summary>
    protected abstract void OnConnected();

    /// <summary>The connection is about to be replaced because the reset interval has passed; log it.</summary>
    protected abstract void OnResettingConnection(TimeSpan interval);

    /// <summary>
    /// Sends one <c>append</c> (<paramref name="single"/>) or one <c>appendBatch</c> of <paramref name="count"/>
    /// events of <paramref name="batch"/> from <paramref name="start"/>, and reads its answer. Protocol violations
    /// throw <see cref="EventDeliveryException"/>. That, cancellation and I/O, socket, disposed-object and
    /// invalid-data exceptions drop the connection; any other exception (a caller's bad event failing to encode)
    /// propagates and leaves it open.
    /// </summary>
    protected abstract ValueTask<EventStatus> ExchangeAsync(
        Connection connection, FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int start, int count, CancellationToken cancellationToken);

    /// <summary>What timed out, after "host:port: ". <paramref name="opening"/>: the deadline covered connecting.</summary>
    protected abstract string DescribeTimeout(bool opening, TimeSpan timeout, bool single);

    /// <summary>What failed, after "host:port: ", when the connection broke with <paramref name="exception"/>.</summary>
    protected abstract string DescribeConnectionFailure(Exception exception, bool single);

    /// <summary>What the peer answered, after "host:port: ", when its status was not OK.</summary>
    protected abstract string DescribeStatus(EventStatus status, bool single);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AppendOneAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        try
        {
            await SendAsync(flumeEvent, null, 0, 0, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (_disposed && ReportsUseAfterDisposeAsDeliveryFailure)
        {
            ThrowClosed();
        }

        await _gate.WaitAsync(cancellationToken);
        if (_disposed)
        {
            _gate.Release();
            ThrowClosed();
        }
    }

    private void ThrowClosed()
    {
        // Flume's clients answer use after close with EventDeliveryException, so callers handle one exception.
        if (ReportsUseAfterDisposeAsDeliveryFailure)
        {
            throw new EventDeliveryException($"{Target}: the client is closed");
        }

        ObjectDisposedException.ThrowIf(true, this);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int start, int count, CancellationToken cancellationToken)
    {
        if (_connection is { IsClosedByPeer: true })
        {
            // The server closed it while it was idle (its idle-timeout, a restart): open a new one for this request.
            await DropConnectionAsync(abort: true);
        }

        if (_connection is not null && Options.ResetConnectionInterval is { } interval && _timeProvider.GetElapsedTime(_connectedAt) >= interval)
        {
            OnResettingConnection(interval);
            await DropConnectionAsync(abort: !ClosesIdleConnectionGracefully);
        }

        if (_connection is null && !OpensSessionWithinConnectTimeout)
        {
            // TcpConnector's errors already name the host, and there is no connection yet to drop.
            await ConnectAsync(Options.ConnectTimeout, cancellationToken);
        }

        var opening = _connection is null;
        var timeout = opening ? Options.ConnectTimeout : Options.RequestTimeout;
        var deadline = ArmDeadline(timeout);

        // The caller's cancellation cancels the deadline's source too: one token for the request, no linked source.
        var link = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
        EventStatus status;
        try
        {
            var connection = _connection ?? await ConnectAsync(timeout, deadline.Token);

            // A blocking exchange sees no token: the deadline (or the caller, through it) ends it by closing the socket.
            using var abortAtDeadline = Options.BlockingIo ? deadline.Token.UnsafeRegister(static connection => ((Connection)connection!).Abort(), connection) : default;
            status = await ExchangeAsync(connection, single, batch, start, count, deadline.Token);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (e is OperationCanceledException || Options.BlockingIo))
        {
            await DropConnectionAsync(abort: true);
            throw new EventDeliveryException($"{Target}: {DescribeTimeout(opening, timeout, single is not null)}");
        }
        catch (Exception e) when (Options.BlockingIo && cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            // The caller gave up mid-request, which closed the socket under a blocking call: report it as asynchronous
            // calls do, as the caller's cancellation.
            await DropConnectionAsync(abort: true);
            throw new OperationCanceledException($"{Target}: the request was cancelled", e, cancellationToken);
        }
        catch (EventDeliveryException e) when (opening && _connection is not null && _tls is null)
        {
            await DropConnectionAsync(abort: true);
            throw new EventDeliveryException(e.Message + PlainTextHint, e);
        }
        catch (EventDeliveryException)
        {
            await DropConnectionAsync(abort: true);
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            var hint = opening && _connection is not null && _tls is null ? PlainTextHint : "";
            await DropConnectionAsync(abort: true);
            throw new EventDeliveryException($"{Target}: {DescribeConnectionFailure(e, single is not null)}{hint}", e);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up mid-request: the connection's state is unknown.
            await DropConnectionAsync(abort: true);
            throw;
        }
        finally
        {
            // Waits for the callback if the caller is cancelling right now, so it cannot cancel a later request.
            link.Dispose();
        }

        if (status != EventStatus.Ok)
        {
            // The exchange completed, so the connection is between requests; dropping it still mirrors Flume.
            await DropConnectionAsync(abort: !ClosesIdleConnectionGracefully);
            throw new EventDeliveryException($"{Target}: {DescribeStatus(status, single is not null)}{StatusHint(status)}");
        }
    }

    // FAILED carries no reason on the wire; the usual one, and where the real one is, save a user a guess.
    private static string StatusHint(EventStatus status) => status == EventStatus.Failed
        ? " (the source could not store the events, most often because its channel is full; the relay's log says why)"
        : "";

    /// <summary>
    /// The deadline's source, set to cancel after <paramref name="timeout"/>: the previous request's source when it
    /// neither fired nor was cancelled (TryReset stops its timer), else a new one on the injected clock.
    /// </summary>
    private CancellationTokenSource ArmDeadline(TimeSpan timeout)
    {
        if (_deadline is { } reused && reused.TryReset())
        {
            reused.CancelAfter(timeout);
            return reused;
        }

        _deadline?.Dispose();
        _deadline = new CancellationTokenSource(timeout, _timeProvider);
        return _deadline;
    }

    // A TLS port closes a plain-text connection before answering its first request, and so do a port of the other
    // Flume RPC and a source whose ipFilterRules deny the client; this is all the client can see of any of them, and
    // the server's log says which it was.
    private const string PlainTextHint = " (TLS mismatch? the connection was closed before the first answer; if the server has ssl = true, set ssl = true here too. " +
        "Or the port speaks another protocol, such as a thrift source for an avro client, or the source's ipFilterRules deny this host: " +
        "the server's log says which)";

    private async ValueTask<Connection> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await TcpConnector.ConnectAsync(_host, timeout, _wrapStream, _tls, Options.BlockingIo, cancellationToken);
        _connection = connection;
        _connectedAt = _timeProvider.GetTimestamp();
        OnConnected();
        return connection;
    }

    // A connection in an unknown state (mid-request failure) is reset at once; an idle one may be closed in order so
    // the server sees an orderly end of stream.
    private async ValueTask DropConnectionAsync(bool abort)
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            if (abort)
            {
                connection.Abort();
            }

            await connection.DisposeAsync();
        }
    }
}
