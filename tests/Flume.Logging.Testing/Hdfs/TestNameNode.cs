using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// A NameNode double on 127.0.0.1 that speaks Hadoop IPC version 9 and <c>ClientProtocol</c> like a real one: an
/// in-memory namespace with leases and blocks, DataNodes chosen from <see cref="TestDataNodeInfo"/> and replica state
/// read from their views, errors as the Java exceptions Hadoop throws. Knobs make it a standby, hold it in safe mode,
/// delay <c>complete</c>, stop answering or drop a connection, so client failure handling can be tested.
/// </summary>
public sealed partial class TestNameNode : IAsyncDisposable
{
    private TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly ConcurrentQueue<string> _methodsCalled = new();
    private readonly ConcurrentQueue<string> _unimplementedMethods = new();
    private readonly ConcurrentQueue<string> _connectionUsers = new();
    private readonly Dictionary<string, Handler> _handlers;
    private Task _acceptLoop;
    private readonly TestNamespaceState _state;
    private volatile bool _closeConnectionOnNextCall;
    private volatile bool _dropNextAnswer;

    /// <summary>Starts listening on 127.0.0.1, on a port the kernel picks (<see cref="Port"/>).</summary>
    /// <param name="dataNodes">The DataNodes blocks are placed on, in order of preference.</param>
    /// <param name="blockSize">The default block size <c>getServerDefaults</c> announces.</param>
    /// <param name="replication">The default replication <c>getServerDefaults</c> announces.</param>
    /// <param name="timeProvider">The clock for modification times and lease renewals.</param>
    public TestNameNode(IReadOnlyList<TestDataNodeInfo> dataNodes, long blockSize = 128L * 1024 * 1024, int replication = 1, TimeProvider? timeProvider = null)
        : this(dataNodes, (ulong)blockSize, (uint)replication, timeProvider ?? TimeProvider.System, new TestNamespaceState())
    {
        AddRoot();
    }

    private TestNameNode(IReadOnlyList<TestDataNodeInfo> dataNodes, ulong blockSize, uint replication, TimeProvider timeProvider, TestNamespaceState state)
    {
        ArgumentNullException.ThrowIfNull(dataNodes);
        _dataNodes = dataNodes;
        _defaultBlockSize = blockSize;
        _defaultReplication = replication;
        _timeProvider = timeProvider;
        _state = state;
        _handlers = CreateHandlers();
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private delegate IMessage Handler(ReadOnlySequence<byte> body, string user);

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Every method called so far, in arrival order (standby and safe-mode refusals included).</summary>
    public IReadOnlyCollection<string> MethodsCalled => _methodsCalled;

    /// <summary>Methods a client called that this double does not implement (answered with RpcNoSuchMethodException).</summary>
    public IReadOnlyCollection<string> UnimplementedMethods => _unimplementedMethods;

    /// <summary>The users of each connection's context: the effective user, then "via" the real user when impersonating.</summary>
    public IReadOnlyCollection<string> ConnectionUsers => _connectionUsers;

    /// <summary>When true every call is answered with <c>StandbyException</c>, as a standby NameNode of an HA pair does.</summary>
    public bool IsStandby { get; set; }

    /// <summary>When true calls that change the namespace are answered with <c>SafeModeException</c>; reads still work.</summary>
    public bool InSafeMode { get; set; }

    /// <summary>
    /// When true the safe-mode refusal comes wrapped in <c>RetriableException</c>, as an active HA NameNode still in
    /// startup safe mode answers: the client should wait and ask the same NameNode again.
    /// </summary>
    public bool SafeModeIsRetriable { get; set; }

    /// <summary>When true calls are read but never answered, as from a hung NameNode.</summary>
    public bool Unresponsive { get; set; }

    /// <summary>
    /// When true every new connection is refused SIMPLE authentication on the SASL call id, as a Kerberos-secured
    /// NameNode answers a client that offers none.
    /// </summary>
    public bool RequiresKerberos { get; set; }

    /// <summary>
    /// Starts the other NameNode of an HA pair with this one: its own port, this one's namespace, leases and DataNodes,
    /// and standby until a test flips <see cref="IsStandby"/> on both.
    /// </summary>
    public TestNameNode StartHaPeer() =>
        new(_dataNodes, _defaultBlockSize, _defaultReplication, _timeProvider, _state) { IsStandby = true };

    /// <summary>The next call that arrives closes its connection instead of being answered.</summary>
    public void CloseConnectionOnNextCall() => _closeConnectionOnNextCall = true;

    /// <summary>The next call is carried out, then its connection closes before the answer is sent.</summary>
    public void DropNextAnswer() => _dropNextAnswer = true;

    /// <summary>
    /// Takes the NameNode down as a stopped or crashed process: open connections close and new ones are refused
    /// until <see cref="ComeBack"/>.
    /// </summary>
    public async Task GoDownAsync()
    {
        _listener.Stop();
        await _acceptLoop;
        await CloseConnectionsAsync();
    }

    /// <summary>Listens again on the same port with the namespace as it was, as a restarted NameNode.</summary>
    public void ComeBack()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task CloseConnectionsAsync()
    {
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_connections.Values);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await CloseConnectionsAsync();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);

                // As Hadoop's IPC server (ipc.server.tcpnodelay): small answers must not wait for a delayed TCP ack.
                socket.NoDelay = true;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // InvalidOperationException: GoDownAsync stopped the listener before this loop's first accept.
                return;
            }

            _connections[socket] = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream);
        string? user = null;
        var headerRead = false;
        try
        {
            var open = true;
            while (open)
            {
                var result = await reader.ReadAsync(_stopping.Token);
                var buffer = result.Buffer;
                if (!headerRead)
                {
                    var status = RpcFrameCodec.TryReadConnectionHeader(buffer, out var version, out var authProtocol);
                    if (status == DecodeStatus.NeedMore && !result.IsCompleted)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }

                    // Hadoop's server drops a connection with a wrong magic, version or auth protocol.
                    if (status != DecodeStatus.Done || version != RpcFrameCodec.IpcVersion || authProtocol != RpcFrameCodec.AuthProtocolNone)
                    {
                        return;
                    }

                    headerRead = true;
                    buffer = buffer.Slice(RpcFrameCodec.ConnectionHeaderLength);
                    if (RequiresKerberos)
                    {
                        await RefuseSimpleAuthenticationAsync(stream);
                        return;
                    }
                }

                DecodeStatus frameStatus;
                while (open && (frameStatus = RpcFrameCodec.TryReadFrame(buffer, out var payload, out var consumed)) != DecodeStatus.NeedMore)
                {
                    if (frameStatus == DecodeStatus.Error)
                    {
                        return;
                    }

                    (open, user) = await HandleFrameAsync(stream, socket, payload, user);
                    buffer = buffer.Slice(consumed);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                open &= !result.IsCompleted;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the NameNode stops: nothing to answer.
        }
        finally
        {
            await reader.CompleteAsync();
            await stream.DisposeAsync();
            _connections.TryRemove(socket, out _);
        }
    }

    /// <summary>Handles one frame; false when the connection must close. The first frame is the connection context.</summary>
    private async Task<(bool Open, string? User)> HandleFrameAsync(Stream stream, Socket socket, ReadOnlySequence<byte> payload, string? user)
    {
        if (RpcFrameCodec.TryReadDelimited(ref payload, RpcRequestHeaderProto.Parser, out var header) != DecodeStatus.Done || header is null)
        {
            return (false, user);
        }

        var callId = header.CallId;
        if (user is null)
        {
            if (callId != RpcConnection.ConnectionContextCallId
                || RpcFrameCodec.TryReadDelimited(ref payload, IpcConnectionContextProto.Parser, out var context) != DecodeStatus.Done || context is null)
            {
                return (false, user);
            }

            user = context.UserInfo?.EffectiveUser ?? "nobody";
            _connectionUsers.Enqueue(context.UserInfo?.HasRealUser == true ? $"{user} via {context.UserInfo.RealUser}" : user);
            return (true, user);
        }

        if (callId < 0)
        {
            // Pings (call id -4) keep an idle connection open and are never answered.
            return (true, user);
        }

        if (RpcFrameCodec.TryReadDelimited(ref payload, RequestHeaderProto.Parser, out var method) != DecodeStatus.Done || method is null)
        {
            return (false, user);
        }

        _methodsCalled.Enqueue(method.MethodName);
        if (_closeConnectionOnNextCall)
        {
            _closeConnectionOnNextCall = false;
            socket.Dispose();
            return (false, user);
        }

        if (Unresponsive)
        {
            return (true, user);
        }

        IMessage[] response;
        try
        {
            response = [Success(header), Dispatch(header, method.MethodName, payload, user)];
        }
        catch (TestNameNodeException e)
        {
            var errorCode = e.ClassName == HadoopExceptionNames.NoSuchMethod
                ? RpcResponseHeaderProto.Types.RpcErrorCodeProto.ErrorNoSuchMethod
                : RpcResponseHeaderProto.Types.RpcErrorCodeProto.ErrorApplication;
            response = [Failure(header, RpcResponseHeaderProto.Types.RpcStatusProto.Error, errorCode, e.ClassName, e.Message)];
        }

        if (_dropNextAnswer)
        {
            _dropNextAnswer = false;
            socket.Dispose();
            return (false, user);
        }

        await WriteFrameAsync(stream, response);
        return (true, user);
    }

    private IMessage Dispatch(RpcRequestHeaderProto header, string methodName, ReadOnlySequence<byte> body, string user)
    {
        if (IsStandby)
        {
            throw new TestNameNodeException(HadoopExceptionNames.Standby, $"Operation category {methodName} is not supported in state standby");
        }

        if (!_handlers.TryGetValue(methodName, out var handler))
        {
            _unimplementedMethods.Enqueue(methodName);
            throw new TestNameNodeException(HadoopExceptionNames.NoSuchMethod, $"Unknown method {methodName} called on {NameNodeProtocol} protocol.");
        }

        lock (_state.Lock)
        {
            // Hadoop's retry cache: a resent at-most-once call (same client id and call id) gets the first answer.
            if (!AtMostOnceMethods.Contains(methodName))
            {
                return handler(body, user);
            }

            var key = (header.ClientId, header.CallId);
            if (!_state.RetryCache.TryGetValue(key, out var answer))
            {
                answer = handler(body, user);
                _state.RetryCache[key] = answer;
            }

            return answer;
        }
    }

    private static Task RefuseSimpleAuthenticationAsync(Stream stream)
    {
        var header = new RpcRequestHeaderProto { CallId = RpcConnection.SaslCallId, ClientId = ByteString.Empty };
        var refusal = Failure(header, RpcResponseHeaderProto.Types.RpcStatusProto.Fatal, RpcResponseHeaderProto.Types.RpcErrorCodeProto.FatalUnauthorized,
            HadoopExceptionNames.AccessControl, "SIMPLE authentication is not enabled.  Available:[TOKEN, KERBEROS]");
        return WriteFrameAsync(stream, [refusal]);
    }

    private static RpcResponseHeaderProto Success(RpcRequestHeaderProto request) => new()
    {
        CallId = unchecked((uint)request.CallId),
        Status = RpcResponseHeaderProto.Types.RpcStatusProto.Success,
        ServerIpcVersionNum = RpcFrameCodec.IpcVersion,
        ClientId = request.ClientId,
        RetryCount = request.RetryCount,
    };

    private static RpcResponseHeaderProto Failure(RpcRequestHeaderProto request, RpcResponseHeaderProto.Types.RpcStatusProto status,
        RpcResponseHeaderProto.Types.RpcErrorCodeProto errorCode, string className, string message)
    {
        var header = Success(request);
        header.Status = status;
        header.ErrorDetail = errorCode;
        header.ExceptionClassName = className;
        header.ErrorMsg = message;
        return header;
    }

    private static async Task WriteFrameAsync(Stream stream, IMessage[] messages)
    {
        var length = RpcFrameCodec.FrameLength(messages);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            RpcFrameCodec.WriteFrame(buffer, messages);
            await stream.WriteAsync(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
