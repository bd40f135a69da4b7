using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// One TCP connection speaking Hadoop IPC version 9 to a server: the connection header and context once, then many
/// concurrent calls whose answers a single reader matches to their callers by call id. Once anything goes wrong
/// (closed by the server, a malformed or fatal answer) the connection is dead: every pending and later call fails
/// with <see cref="HdfsConnectionException"/> and the owner opens a new one.
/// </summary>
internal sealed class RpcConnection : IAsyncDisposable
{
    /// <summary>Call id of the connection context (Hadoop's <c>CONNECTION_CONTEXT_CALL_ID</c>).</summary>
    public const int ConnectionContextCallId = -3;

    /// <summary>Call id a SASL-enabled server answers on (Hadoop's <c>AuthProtocol.SASL.callId</c>).</summary>
    public const int SaslCallId = -33;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, IPendingCall> _pending = new();
    private readonly RpcConnectionSettings _settings;
    private readonly string _endpoint;
    private readonly Task _readLoop;
    private Exception? _failure;

    private RpcConnection(Socket socket, RpcConnectionSettings settings, string endpoint)
    {
        _socket = socket;
        _settings = settings;
        _endpoint = endpoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>False once the connection failed or was closed; calls on it fail at once.</summary>
    public bool IsAlive => Volatile.Read(ref _failure) is null;

    /// <summary>Connects, then sends the connection header and context (the server does not answer them).</summary>
    public static async Task<RpcConnection> OpenAsync(string host, int port, RpcConnectionSettings settings, CancellationToken cancellationToken)
    {
        var endpoint = $"{host}:{port}";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HdfsConnectionException($"Cannot connect to the NameNode at {endpoint}: {e.Message}", requestSent: false, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new RpcConnection(socket, settings, endpoint);
        try
        {
            await connection.WritePreambleAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    /// <summary>Sends one call and waits for its answer; cancelling stops the wait, not the server's work.</summary>
    public async Task<TResponse> CallAsync<TResponse>(RequestHeaderProto method, IMessage request, MessageParser<TResponse> parser, CallAttempt attempt, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var callId = attempt.CallId;
        var pending = new PendingCall<TResponse>(parser);
        if (!_pending.TryAdd(callId, pending))
        {
            throw new InvalidOperationException($"Call id {callId} is already waiting for an answer on this connection.");
        }

        if (Volatile.Read(ref _failure) is { } failure)
        {
            _pending.TryRemove(callId, out _);
            throw Dead(failure, requestSent: false);
        }

        var header = NewRequestHeader(callId, attempt.RetryCount);
        await WriteFrameAsync([header, method, request], callId, cancellationToken);
        await using var registration = cancellationToken.Register(() =>
        {
            if (_pending.TryRemove(callId, out _))
            {
                pending.TrySetCanceled(cancellationToken);
            }
        });
        return await pending.Task;
    }

    /// <summary>Closes the socket; pending calls fail as closed.</summary>
    public async ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(RpcConnection), "The connection was closed by this client."));
        await _readLoop;
        _writeLock.Dispose();
    }

    private RpcRequestHeaderProto NewRequestHeader(int callId, int retryCount) => new()
    {
        RpcKind = RpcKindProto.RpcProtocolBuffer,
        RpcOp = RpcRequestHeaderProto.Types.OperationProto.RpcFinalPacket,
        CallId = callId,
        ClientId = _settings.ClientId,
        RetryCount = retryCount,
    };

    private async Task WritePreambleAsync(CancellationToken cancellationToken)
    {
        var userInfo = new UserInformationProto { EffectiveUser = _settings.EffectiveUser };
        if (_settings.RealUser is { } realUser)
        {
            userInfo.RealUser = realUser;
        }

        var context = new IpcConnectionContextProto { UserInfo = userInfo, Protocol = _settings.ProtocolName };
        IMessage[] frame = [NewRequestHeader(ConnectionContextCallId, retryCount: -1), context];
        var length = RpcFrameCodec.ConnectionHeaderLength + RpcFrameCodec.FrameLength(frame);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            RpcFrameCodec.WriteConnectionHeader(buffer);
            RpcFrameCodec.WriteFrame(buffer.AsSpan(RpcFrameCodec.ConnectionHeaderLength), frame);
            await WriteLockedAsync(buffer.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteFrameAsync(IMessage[] frame, int callId, CancellationToken cancellationToken)
    {
        var length = RpcFrameCodec.FrameLength(frame);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            RpcFrameCodec.WriteFrame(buffer, frame);
            await WriteLockedAsync(buffer.AsMemory(0, length), cancellationToken);
        }
        catch
        {
            _pending.TryRemove(callId, out _);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteLockedAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                throw Dead(failure, requestSent: false);
            }

            // Not cancellable: a frame half written would put the stream out of step for every other call.
            await _stream.WriteAsync(bytes, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException && e is not HdfsConnectionException)
        {
            // A socket another thread closed (the reader after a failure) throws ObjectDisposedException.
            Fail(e);
            throw Dead(e, requestSent: true);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (IsAlive)
            {
                var result = await _reader.ReadAsync();
                var buffer = result.Buffer;
                var status = DecodeStatus.Done;
                while (status == DecodeStatus.Done)
                {
                    status = RpcFrameCodec.TryReadFrame(buffer, out var payload, out var consumed);
                    if (status == DecodeStatus.Done)
                    {
                        Dispatch(payload);
                        buffer = buffer.Slice(consumed);
                    }
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (status == DecodeStatus.Error)
                {
                    Fail(new InvalidDataException("the server sent a frame longer than 128 MiB or with a negative length"));
                }
                else if (result.IsCompleted)
                {
                    Fail(new EndOfStreamException("the server closed the connection"));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            Fail(e);
        }
        finally
        {
            await _reader.CompleteAsync();
        }
    }

    private void Dispatch(ReadOnlySequence<byte> payload)
    {
        if (RpcFrameCodec.TryReadDelimited(ref payload, RpcResponseHeaderProto.Parser, out var header) != DecodeStatus.Done || header is null)
        {
            Fail(new InvalidDataException("the server sent a malformed response header"));
            return;
        }

        var callId = unchecked((int)header.CallId);
        // A secure server either starts SASL (answering on the SASL call id) or refuses SIMPLE authentication.
        if (callId == SaslCallId || (header.ExceptionClassName == HadoopExceptionNames.AccessControl
            && header.ErrorMsg.Contains("authentication is not enabled", StringComparison.Ordinal)))
        {
            Fail(new NotSupportedException(
                "the server requires SASL authentication (Kerberos or tokens: hadoop.security.authentication is not "
                + "'simple'); this client supports only SIMPLE authentication, secure clusters are out of scope"));
            return;
        }

        if (header.Status == RpcResponseHeaderProto.Types.RpcStatusProto.Fatal)
        {
            Fail(new RemoteException(header.ExceptionClassName, header.ErrorMsg, header.ErrorDetail));
            return;
        }

        // An unknown id is the late answer to a call that timed out or was cancelled: nobody waits for it.
        if (!_pending.TryRemove(callId, out var pending))
        {
            return;
        }

        if (header.Status == RpcResponseHeaderProto.Types.RpcStatusProto.Error)
        {
            pending.Fail(new RemoteException(header.ExceptionClassName, header.ErrorMsg, header.ErrorDetail));
        }
        else if (!pending.Complete(payload))
        {
            Fail(new InvalidDataException($"the server sent a malformed answer to call {callId}"));
        }
    }

    private void Fail(Exception cause)
    {
        if (Interlocked.CompareExchange(ref _failure, cause, null) is not null)
        {
            return;
        }

        // Closing the socket ends the read loop's pending read.
        _socket.Dispose();
        foreach (var callId in _pending.Keys)
        {
            if (_pending.TryRemove(callId, out var pending))
            {
                pending.Fail(Dead(cause, requestSent: true));
            }
        }
    }

    private HdfsConnectionException Dead(Exception cause, bool requestSent) =>
        new($"The connection to the NameNode at {_endpoint} failed: {cause.Message}", requestSent, cause);

    private interface IPendingCall
    {
        bool Complete(ReadOnlySequence<byte> payload);

        void Fail(Exception exception);
    }

    /// <summary>The caller's side of one call: its answer is parsed on the reader before the buffer is reused.</summary>
    private sealed class PendingCall<T>(MessageParser<T> parser) : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingCall
        where T : IMessage<T>
    {
        public bool Complete(ReadOnlySequence<byte> payload)
        {
            if (RpcFrameCodec.TryReadDelimited(ref payload, parser, out var message) != DecodeStatus.Done || message is null)
            {
                return false;
            }

            TrySetResult(message);
            return true;
        }

        public void Fail(Exception exception) => TrySetException(exception);
    }
}
