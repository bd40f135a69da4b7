using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Rpc.Compression;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Avro;

/// <summary>
/// Flume's NettyAvroRpcClient for one host: one connection, opened on first use and handshaken on its first request,
/// one request at a time. Any failure drops the connection so the next call starts afresh.
/// </summary>
internal sealed partial class AvroRpcClient : IRpcClient
{
    private readonly RpcHost _host;
    private readonly RpcClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly StreamWrapper? _wrapStream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ArrayBufferWriter<byte> _request = new();
    private Connection? _connection;
    private long _connectedAt;
    private bool _handshakeDone;
    private bool _sendProtocol;
    private byte[] _serverHash = AvroSourceProtocol.Hash;
    private int _serial;
    private volatile bool _disposed;

    public AvroRpcClient(RpcHost host, RpcClientOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _host = host;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _wrapStream = options.Compression == CompressionType.Deflate ? ZLibDuplexStream.Wrapper(options.CompressionLevel) : null;
    }

    public int BatchSize => _options.BatchSize;

    public bool IsActive => !_disposed;

    private string Target => $"{_host.Host}:{_host.Port}";

    public ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        return SendAsync(flumeEvent, null, 0, 0, cancellationToken);
    }

    public async ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (var start = 0; start < events.Count; start += BatchSize)
        {
            await SendAsync(null, events, start, Math.Min(BatchSize, events.Count - start), cancellationToken);
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
            await DropConnectionAsync(abort: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask SendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? events, int start, int count, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is not null && _options.ResetConnectionInterval is { } interval && _timeProvider.GetElapsedTime(_connectedAt) >= interval)
            {
                LogResettingConnection(Target, interval.TotalSeconds);
                await DropConnectionAsync(abort: false);
            }

            var connecting = _connection is null;
            var timeout = connecting ? _options.ConnectTimeout : _options.RequestTimeout;
            using var deadline = new CancellationTokenSource(timeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            EventStatus status;
            try
            {
                if (_connection is null)
                {
                    _connection = await TcpConnector.ConnectAsync(_host, timeout, _wrapStream, linked.Token);
                    _connectedAt = _timeProvider.GetTimestamp();
                    _handshakeDone = false;
                    _sendProtocol = false;
                    LogConnected(Target);
                }

                status = await RoundTripAsync(_connection, single, events, start, count, linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await DropConnectionAsync(abort: true);
                var what = connecting ? "connect and handshake" : "request";
                throw new EventDeliveryException($"{Target}: {what} timed out after {timeout.TotalMilliseconds:0} ms");
            }
            catch (EventDeliveryException)
            {
                await DropConnectionAsync(abort: true);
                throw;
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
            {
                await DropConnectionAsync(abort: true);
                throw new EventDeliveryException($"{Target}: connection failed: {e.Message}", e);
            }
            catch (OperationCanceledException)
            {
                // The caller gave up mid-request: the connection's state is unknown.
                await DropConnectionAsync(abort: true);
                throw;
            }

            if (status != EventStatus.Ok)
            {
                // The exchange completed, so the connection can close in order; dropping it still mirrors Flume.
                await DropConnectionAsync(abort: false);
                var message = single is null ? AvroCall.AppendBatch : AvroCall.Append;
                throw new EventDeliveryException($"{Target}: {message} answered {status.ToString().ToUpperInvariant()}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<EventStatus> RoundTripAsync(Connection connection, FlumeEvent? single, IReadOnlyList<FlumeEvent>? events, int start, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sentHandshake = !_handshakeDone;
            _request.ResetWrittenCount();
            if (sentHandshake)
            {
                new AvroHandshakeRequest(AvroSourceProtocol.Hash, _sendProtocol ? AvroSourceProtocol.Text : null, _serverHash).Write(_request);
            }

            if (single is not null)
            {
                AvroCall.WriteAppendRequest(_request, single);
            }
            else
            {
                AvroCall.WriteAppendBatchRequest(_request, events!, start, count);
            }

            var serial = _serial++;
            NettyFrame.Write(connection.Output, serial, _request.WrittenSpan);
            var flushed = await connection.Output.FlushAsync(cancellationToken);
            if (flushed.IsCompleted)
            {
                throw new EventDeliveryException($"{Target}: connection closed by the server");
            }

            var (message, length) = await ReadFrameAsync(connection.Input, serial, cancellationToken);
            Response response;
            try
            {
                response = Decode(message.AsSpan(0, length), sentHandshake);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message);
            }

            if (response.Error is not null)
            {
                throw new EventDeliveryException($"{Target}: {response.Error}");
            }

            if (response.Resend)
            {
                if (_sendProtocol)
                {
                    throw new EventDeliveryException($"{Target}: handshake failed: the server does not accept AvroSourceProtocol");
                }

                _sendProtocol = true;
                continue;
            }

            return response.Status;
        }
    }

    private async ValueTask<(byte[] Message, int Length)> ReadFrameAsync(PipeReader input, int serial, CancellationToken cancellationToken)
    {
        var limits = _options.Limits;
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var status = NettyFrame.TryRead(buffer, limits.MaxBufferCount, limits.MaxFrameLength, out var responseSerial, out var frame, out var length, out var error);
            if (status == OperationStatus.InvalidData)
            {
                throw new EventDeliveryException($"{Target}: invalid response: {error}");
            }

            if (status == OperationStatus.NeedMoreData)
            {
                if (read.IsCompleted)
                {
                    throw new EventDeliveryException($"{Target}: connection closed by the server before it answered");
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            if (responseSerial != serial)
            {
                throw new EventDeliveryException($"{Target}: response serial {responseSerial} does not match request serial {serial}");
            }

            var message = ArrayPool<byte>.Shared.Rent(length);
            NettyFrame.CopyMessage(frame, message);
            input.AdvanceTo(frame.End);
            return (message, length);
        }
    }

    private Response Decode(ReadOnlySpan<byte> message, bool sentHandshake)
    {
        var reader = new AvroReader(message);
        OperationStatus status;
        if (sentHandshake)
        {
            status = AvroHandshakeResponse.Read(ref reader, out var handshake);
            if (status != OperationStatus.Done)
            {
                return Response.Failed(Describe("handshake response", status, reader.Error));
            }

            if (handshake!.Match == AvroHandshakeMatch.None)
            {
                if (handshake.ServerHash is { } hash)
                {
                    _serverHash = hash;
                }

                return new Response(EventStatus.Unknown, null, Resend: true);
            }

            _handshakeDone = true;
            if (handshake.ServerHash is { } serverHash)
            {
                _serverHash = serverHash;
            }
        }

        status = AvroCall.ReadResponse(ref reader, out var call);
        if (status != OperationStatus.Done)
        {
            return Response.Failed(Describe("call response", status, reader.Error));
        }

        return call!.IsError
            ? Response.Failed($"server error: {call.Error}")
            : new Response(call.Status, null, Resend: false);
    }

    private static string Describe(string what, OperationStatus status, string? error) =>
        status == OperationStatus.NeedMoreData ? $"{what} ends before its frame does" : $"malformed {what}: {error}";

    // A connection in an unknown state (mid-request failure) is reset at once; an idle one is closed gracefully so
    // the server sees an orderly end of stream.
    private async ValueTask DropConnectionAsync(bool abort)
    {
        var connection = _connection;
        _connection = null;
        _handshakeDone = false;
        if (connection is not null)
        {
            if (abort)
            {
                connection.Abort();
            }

            await connection.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "avro client connected to {Target}")]
    private partial void LogConnected(string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "avro client resetting its connection to {Target} after {Seconds} s")]
    private partial void LogResettingConnection(string target, double seconds);

    private readonly record struct Response(EventStatus Status, string? Error, bool Resend)
    {
        public static Response Failed(string error) => new(EventStatus.Unknown, error, Resend: false);
    }
}
