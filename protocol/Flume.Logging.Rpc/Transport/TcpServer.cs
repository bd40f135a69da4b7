using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// Accept loop shared by the Avro and Thrift servers: binds, hands each connection to an
/// <see cref="IConnectionHandler"/>, caps concurrent connections, and on stop lets requests in flight finish.
/// </summary>
internal sealed partial class TcpServer : IRpcServer
{
    /// <summary>Least time between two log lines about refused or timed-out connections.</summary>
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    /// <summary>What the log says of a peer that opens a plain-text connection with a TLS handshake.</summary>
    private const string PlainPortTlsHello = "began a TLS handshake on this plain-text port (set ssl = true here, or ssl = false on the client)";

    /// <summary>The name of a connection's own thread (Linux shows its first 15 characters).</summary>
    private const string OwnThreadName = "Flume connection";

    private readonly string _name;
    private readonly RpcServerOptions _options;
    private readonly IConnectionHandler _handler;
    private readonly StreamWrapper? _wrapStream;
    private readonly ILogger _logger;
    private readonly TlsAuthenticator? _tls;
    private readonly ConcurrentDictionary<Connection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim? _connectionSlots;
    private Socket? _listener;
    private readonly Lock _refusalLock = new();
    private Task? _acceptLoop;
    private Task? _watchLoop;
    private long _lastRefusalLog;
    private int _refusedSinceLog;
    private IPEndPoint? _localEndPoint;
    private int _ownThreads;
    private int _started;
    private int _stopped;

    /// <summary>Creates a server; <paramref name="name"/> is what log lines call it, e.g. <c>avro source r1</c>.</summary>
    public TcpServer(string name, RpcServerOptions options, IConnectionHandler handler, StreamWrapper? wrapStream, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _name = name;
        _options = options;
        _handler = handler;
        _wrapStream = wrapStream;
        _tls = options.Tls is null ? null : TlsAuthenticator.ForServer(options.Tls, reason => LogCertificateReloadFailed(name, reason));
        _logger = logger;
        if (options.MaxConnections is { } max)
        {
            _connectionSlots = new SemaphoreSlim(max, max);
        }
    }

    public IPEndPoint LocalEndPoint =>
        _localEndPoint ?? throw new InvalidOperationException($"{_name} has not been started");

    /// <summary>Connections currently open.</summary>
    public int ConnectionCount => _connections.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"{_name} was already started");
        }

        var address = await ResolveBindAddressAsync(_name, _options.Bind, cancellationToken);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, which would let a second relay share the
            // port silently instead of failing to start.
            listener.Bind(new IPEndPoint(address, _options.Port));
            listener.Listen(512);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? "the port is already in use"
                : e.Message;
            throw new RpcServerException($"{_name} cannot listen on {_options.Bind}:{_options.Port}: {why}", e);
        }

        _listener = listener;
        _localEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        LogListening(_name, _localEndPoint);
        _acceptLoop = AcceptLoopAsync(listener);
        if (_options.Connections.WatchesConnections)
        {
            _watchLoop = WatchLoopAsync();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _listener is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        if (_watchLoop is not null)
        {
            await _watchLoop;
        }

        var pending = _connections.Values.ToArray();
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogAbortingConnections(_name, _connections.Count);
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }

            await Task.WhenAll(_connections.Values);
        }

        LogStopped(_name);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(timeout.Token);
        _stopping.Dispose();
        _connectionSlots?.Dispose();
        _tls?.Dispose();
    }

    /// <summary>
    /// The address <paramref name="bind"/> names; IPv4 preferred for a host name. Shared with the UDP and http sources;
    /// an error opens with <paramref name="owner"/> (for example "avro source r1").
    /// </summary>
    internal static async Task<IPAddress> ResolveBindAddressAsync(string owner, string bind, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(bind, out var parsed))
        {
            return parsed;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(bind, cancellationToken);
            foreach (var candidate in addresses)
            {
                if (candidate.AddressFamily == AddressFamily.InterNetwork)
                {
                    return candidate;
                }
            }

            return addresses.Length > 0
                ? addresses[0]
                : throw new RpcServerException($"{owner} cannot listen on '{bind}': the bind address resolves to no address");
        }
        catch (SocketException e)
        {
            throw new RpcServerException($"{owner} cannot listen on '{bind}': the bind address cannot be resolved ({e.Message})", e);
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (_connectionSlots is not null)
                {
                    await _connectionSlots.WaitAsync(stopping);
                }

                Socket socket;
                try
                {
                    socket = await listener.AcceptAsync(stopping);
                }
                catch
                {
                    _connectionSlots?.Release();
                    throw;
                }

                if (_options.Connections.MaxConnections > 0 && _connections.Count >= _options.Connections.MaxConnections)
                {
                    Refuse(socket);
                    _connectionSlots?.Release();
                    continue;
                }

                socket.NoDelay = true;
                Serve(socket);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException e)
            {
                // A failed accept (e.g. the peer reset before we took it) must not stop the server.
                LogAcceptFailed(_name, e.SocketErrorCode);
            }
        }
    }

    private void Serve(Socket socket)
    {
        // The connection is registered before its stream exists, so the limits (and a stop) cover a TLS handshake too.
        var connection = new Connection(socket, socket.RemoteEndPoint, _options.TimeProvider);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = RunConnectionAsync(connection, ready.Task);
        _connections[connection] = task;
        ready.SetResult();
    }

    private async Task RunConnectionAsync(Connection connection, Task registered)
    {
        await registered;
        if (!await IsPeerAllowedAsync(connection))
        {
            await connection.DisposeAsync();
            _connections.TryRemove(connection, out _);
            _connectionSlots?.Release();
            return;
        }

        LogConnectionOpened(_name, connection.Peer);
        _options.ConnectionObserver?.ConnectionOpened();
        try
        {
            if (_tls is null && _wrapStream is null && TryTakeOwnThread())
            {
                try
                {
                    await connection.RunOnOwnThread(
                        c => _handler.RunAsync(c, _stopping.Token),
                        () => LogTlsMismatch(_name, connection.Peer, PlainPortTlsHello),
                        OwnThreadName);
                }
                finally
                {
                    Interlocked.Decrement(ref _ownThreads);
                }

                return;
            }

            if (await OpenStreamAsync(connection.Socket, connection.Peer) is not { } stream)
            {
                return;
            }

            connection.Open(stream);
            await _handler.RunAsync(connection, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Server stopping.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            if (!connection.TimedOut)
            {
                LogConnectionLost(_name, connection.Peer, e.Message);
            }
        }
#pragma warning disable CA1031 // One connection's bug must not take the server down; it is logged with the peer.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogConnectionFailed(_name, connection.Peer, e);
        }
        finally
        {
            await connection.DisposeAsync();
            _connections.TryRemove(connection, out _);
            _connectionSlots?.Release();
            _options.ConnectionObserver?.ConnectionClosed();
            LogConnectionClosed(_name, connection.Peer);
        }
    }

    /// <summary>Whether the connection may have a thread of its own under <see cref="RpcServerOptions.OwnThreadConnections"/>; if so it counts.</summary>
    private bool TryTakeOwnThread()
    {
        if (Interlocked.Increment(ref _ownThreads) <= _options.OwnThreadConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _ownThreads);
        return false;
    }

    /// <summary>Whether <see cref="RpcServerOptions.PeerFilter"/> lets the connection's peer in; a refusal is logged.</summary>
    private async ValueTask<bool> IsPeerAllowedAsync(Connection connection)
    {
        if (_options.PeerFilter is not { } filter || connection.RemoteAddress is not { } address)
        {
            return true;
        }

        try
        {
            if (await filter(address, _stopping.Token))
            {
                return true;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping while the filter looked the peer up: nobody is served any more.
            return false;
        }

        LogPeerDenied(_name, connection.Peer);
        return false;
    }

    /// <summary>
    /// Closes a connection accepted over max-connections at once (a reset, so no socket lingers in TIME_WAIT) and
    /// logs at most one line per 10 s with how many were refused since, so a flood cannot flood the log too.
    /// </summary>
    private void Refuse(Socket socket)
    {
        var peer = socket.RemoteEndPoint?.ToString() ?? "unknown peer";
        _options.ConnectionObserver?.ConnectionRefused();
        socket.Close(0);
        int refused;
        lock (_refusalLock)
        {
            _refusedSinceLog++;
            if (_lastRefusalLog != 0 && _options.TimeProvider.GetElapsedTime(_lastRefusalLog) < LogInterval)
            {
                return;
            }

            refused = _refusedSinceLog;
            _refusedSinceLog = 0;
            _lastRefusalLog = _options.TimeProvider.GetTimestamp();
        }

        LogRefused(_name, peer, _options.Connections.MaxConnections, refused);
    }

    /// <summary>
    /// Closes connections that break the idle timeout or the minimum data rate. One loop for all connections, at a
    /// fraction of the shortest limit, so a thousand idle peers cost one timer rather than a thousand.
    /// </summary>
    private async Task WatchLoopAsync()
    {
        var limits = _options.Connections;
        var shortest = new[] { limits.IdleTimeout, limits.MinDataRate > 0 ? limits.MinDataRateGracePeriod : TimeSpan.Zero }
            .Where(t => t > TimeSpan.Zero)
            .DefaultIfEmpty(TimeSpan.FromSeconds(1))
            .Min();
        var interval = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        var stopping = _stopping.Token;
        var closedSinceLog = 0;
        var lastLog = 0L;
        while (true)
        {
            try
            {
                await Task.Delay(interval, _options.TimeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var connection in _connections.Keys)
            {
                if (connection.CheckLimits(limits) is not { } reason)
                {
                    continue;
                }

                connection.TimeOut();
                _options.ConnectionObserver?.ConnectionTimedOut();
                closedSinceLog++;
                if (lastLog == 0 || _options.TimeProvider.GetElapsedTime(lastLog) >= LogInterval)
                {
                    LogTimedOut(_name, connection.Peer, reason, closedSinceLog);
                    closedSinceLog = 0;
                    lastLog = _options.TimeProvider.GetTimestamp();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: refused a connection from {Peer}: {Max} connections open (max-connections); {Count} refused since the last such line")]
    private partial void LogRefused(string server, string peer, int max, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: closed the connection from {Peer}: {Reason}; {Count} closed for idle-timeout or min-data-rate since the last such line")]
    private partial void LogTimedOut(string server, string peer, string reason, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Server}: connection from {Peer} denied by ipFilterRules")]
    private partial void LogPeerDenied(string server, string peer);

    // The connection's stream: TLS when configured, then the wrapper (zlib) above it, as Flume's Netty pipeline
    // stacks them. Null when the peer speaks the other of plain text and TLS, which is logged as a TLS mismatch.
    private async Task<Stream?> OpenStreamAsync(Socket socket, string peer)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        var tlsHello = await TlsAuthenticator.StartsWithTlsHandshakeAsync(socket, _stopping.Token);
        if (_tls is null && tlsHello == true)
        {
            LogTlsMismatch(_name, peer, PlainPortTlsHello);
            return null;
        }

        if (_tls is not null)
        {
            if (tlsHello != true)
            {
                if (tlsHello == false)
                {
                    LogTlsMismatch(_name, peer, "sent plain text to this TLS port (set ssl = true on the client)");
                }

                return null;
            }

            try
            {
                stream = await _tls.AuthenticateAsServerAsync(stream, _stopping.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                LogTlsHandshakeFailed(_name, peer, e.InnerException is null ? e.Message : $"{e.Message} {e.InnerException.Message}");
                return null;
            }
        }

        return _wrapStream is null ? stream : _wrapStream(stream);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Server} listening on {EndPoint}")]
    private partial void LogListening(string server, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Server} stopped")]
    private partial void LogStopped(string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: aborting {Count} connections still busy at the stop timeout")]
    private partial void LogAbortingConnections(string server, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: accept failed: {Error}")]
    private partial void LogAcceptFailed(string server, SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Server}: connection from {Peer} opened")]
    private partial void LogConnectionOpened(string server, string peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Server}: connection from {Peer} closed")]
    private partial void LogConnectionClosed(string server, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Server}: connection from {Peer} lost: {Reason}")]
    private partial void LogConnectionLost(string server, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Server}: connection from {Peer} failed")]
    private partial void LogConnectionFailed(string server, string peer, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: TLS mismatch: {Peer} {What}")]
    private partial void LogTlsMismatch(string server, string peer, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: TLS handshake with {Peer} failed: {Reason}")]
    private partial void LogTlsHandshakeFailed(string server, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server}: the changed keystore cannot be read, new connections keep the previous certificate: {Reason}")]
    private partial void LogCertificateReloadFailed(string server, string reason);
}
