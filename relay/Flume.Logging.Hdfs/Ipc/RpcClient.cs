using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// Calls to one Hadoop server over one shared connection, opened on first use and opened again on the next call
/// after it failed. Adds the connect and per-call timeouts; retries nothing itself (the NameNode client decides).
/// </summary>
internal sealed class RpcClient : IAsyncDisposable
{
    private readonly RpcConnectionSettings _settings;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _callTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private RpcConnection? _connection;
    private bool _disposed;

    public RpcClient(string host, int port, RpcConnectionSettings settings, TimeSpan connectTimeout, TimeSpan callTimeout, TimeProvider timeProvider)
    {
        Host = host;
        Port = port;
        _settings = settings;
        _connectTimeout = connectTimeout;
        _callTimeout = callTimeout;
        _timeProvider = timeProvider;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>
    /// Calls <paramref name="method"/>: a <see cref="RemoteException"/> when the server answered with an error,
    /// <see cref="HdfsConnectionException"/> when the connection failed, <see cref="TimeoutException"/> when no
    /// answer came within the call timeout.
    /// </summary>
    public async Task<TResponse> CallAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser, CallAttempt attempt, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var header = new RequestHeaderProto
        {
            MethodName = method,
            DeclaringClassProtocolName = _settings.ProtocolName,
            ClientProtocolVersion = _settings.ProtocolVersion,
        };
        using var timeout = new CancellationTokenSource(_callTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var connection = await GetConnectionAsync(linked.Token);
            return await connection.CallAsync(header, request, parser, attempt, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The NameNode at {Host}:{Port} did not answer {method} within {_callTimeout.TotalSeconds:0.###} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connectLock.WaitAsync();
        try
        {
            _disposed = true;
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<RpcConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { IsAlive: true } alive)
        {
            return alive;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsAlive: true } current)
            {
                return current;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }

            using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                _connection = await RpcConnection.OpenAsync(Host, Port, _settings, linked.Token);
            }
            catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new HdfsConnectionException($"Cannot connect to the NameNode at {Host}:{Port} within {_connectTimeout.TotalSeconds:0.###} s.", requestSent: false, e);
            }

            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
