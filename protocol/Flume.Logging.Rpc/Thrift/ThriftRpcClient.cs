using System.Buffers;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Thrift;

/// <summary>
/// Flume's ThriftRpcClient for one host: framed Thrift, one request at a time, reconnecting lazily after any
/// failure and, when configured, after the reset-connection interval.
/// </summary>
internal sealed partial class ThriftRpcClient : IRpcClient
{
    // A message buffer grown past this by a large batch is dropped after use rather than kept for the client's life.
    private const int RetainedBufferCapacity = 1024 * 1024;

    private readonly RpcHost _host;
    private readonly RpcClientOptions _options;
    private readonly ThriftWireProtocol _protocol;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ArrayBufferWriter<byte> _message = new(1024);
    private Connection? _connection;
    private long _connectedAt;
    private int _seqId;
    private volatile bool _disposed;

    public ThriftRpcClient(RpcHost host, RpcClientOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _host = host;
        _options = options;
        _protocol = ThriftRpc.ToWire(options.ThriftProtocol);
        _logger = logger;
        _time = timeProvider;
    }

    public int BatchSize => _options.BatchSize;

    public bool IsActive => !_disposed;

    private string Target => $"thrift {_host.Host}:{_host.Port}";

    public async ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
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

    public async ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await EnterAsync(cancellationToken);
        try
        {
            for (var start = 0; start < events.Count; start += _options.BatchSize)
            {
                await SendAsync(null, events, start, Math.Min(_options.BatchSize, events.Count - start), cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
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
            await DropConnectionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        // Flume's clients answer use after close with EventDeliveryException too, so callers handle one exception.
        if (_disposed)
        {
            throw new EventDeliveryException($"{Target}: the client is closed");
        }

        await _gate.WaitAsync(cancellationToken);
        if (_disposed)
        {
            _gate.Release();
            throw new EventDeliveryException($"{Target}: the client is closed");
        }
    }

    private async ValueTask SendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int start, int count, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        var seqId = unchecked(++_seqId);
        _message.ResetWrittenCount();
        if (single is not null)
        {
            ThriftMessageCodec.WriteAppendCall(_protocol, _message, seqId, single);
        }
        else
        {
            ThriftMessageCodec.WriteAppendBatchCall(_protocol, _message, seqId, batch!, start, count);
        }

        var method = single is not null ? "append" : "appendBatch";
        ThriftReply reply;
        using var timer = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            ThriftFraming.WriteFrame(connection.Output, _message.WrittenSpan);
            await connection.Output.FlushAsync(deadline.Token);
            reply = await ReadReplyAsync(connection, single is not null, seqId, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DropConnectionAsync();
            throw new EventDeliveryException($"{Target}: {method} got no answer within the request timeout of {_options.RequestTimeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            await DropConnectionAsync();
            throw new EventDeliveryException($"{Target}: {method} failed: {e.Message}", e);
        }
        catch
        {
            await DropConnectionAsync();
            throw;
        }
        finally
        {
            if (_message.Capacity > RetainedBufferCapacity)
            {
                _message = new ArrayBufferWriter<byte>(1024);
            }
        }

        if (reply.IsException)
        {
            await DropConnectionAsync();
            throw new EventDeliveryException(
                $"{Target}: {method} answered TApplicationException {ThriftApplicationErrorType.Name(reply.ExceptionType)}: {reply.ExceptionMessage}");
        }

        if (reply.Status != EventStatus.Ok)
        {
            await DropConnectionAsync();
            throw new EventDeliveryException($"{Target}: {method} answered status {reply.Status}");
        }
    }

    private async ValueTask<ThriftReply> ReadReplyAsync(Connection connection, bool single, int seqId, CancellationToken cancellationToken)
    {
        var input = connection.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var status = ThriftFraming.TryReadFrame(buffer, _options.Limits.MaxFrameLength, out var frame, out var error);
            if (status == OperationStatus.Done)
            {
                var decoded = DecodeReply(frame, single, seqId, out var reply, out error);
                input.AdvanceTo(frame.End);
                return decoded == OperationStatus.Done
                    ? reply
                    : throw new EventDeliveryException($"{Target}: unreadable reply: {error}");
            }

            if (status == OperationStatus.InvalidData)
            {
                input.AdvanceTo(buffer.Start);
                throw new EventDeliveryException($"{Target}: unreadable reply: {error}");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EventDeliveryException($"{Target}: connection closed by the server before it answered");
            }
        }
    }

    private OperationStatus DecodeReply(in ReadOnlySequence<byte> frame, bool single, int seqId, out ThriftReply reply, out ThriftDecodeError error)
    {
        using var bytes = new ThriftFrameSpan(frame);
        var name = single ? ThriftMessageCodec.AppendName : ThriftMessageCodec.AppendBatchName;
        return ThriftMessageCodec.DecodeReply(_protocol, bytes.Span, name, seqId, out reply, out error);
    }

    private async ValueTask<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null && _options.ResetConnectionInterval is { } reset && _time.GetElapsedTime(_connectedAt) >= reset)
        {
            LogResettingConnection(Target, reset.TotalSeconds);
            await DropConnectionAsync();
        }

        if (_connection is null)
        {
            _connection = await TcpConnector.ConnectAsync(_host, _options.ConnectTimeout, null, cancellationToken);
            _connectedAt = _time.GetTimestamp();
            LogConnected(Target);
        }

        return _connection;
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            connection.Abort();
            await connection.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Target}: connected")]
    private partial void LogConnected(string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Target}: reconnecting after the reset-connection interval of {Seconds} s")]
    private partial void LogResettingConnection(string target, double seconds);
}
