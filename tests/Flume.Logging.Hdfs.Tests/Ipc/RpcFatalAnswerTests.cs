using System.Net;
using System.Net.Sockets;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Tests.Ipc;

/// <summary>A server that answers the first call on every connection with a FATAL header, as Hadoop does for a request it cannot read.</summary>
public sealed class RpcFatalAnswerTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _server = Task.CompletedTask;
    private int _connections;

    public Task InitializeAsync()
    {
        _listener.Start();
        _server = Task.Run(ServeAsync);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _server;
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var sockets = new List<Socket>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                sockets.Add(socket);
                Interlocked.Increment(ref _connections);

                // Connection header and context, then the call: one read may not hold all, the answer does not depend on it.
                await socket.ReceiveAsync(new byte[4096], _stop.Token);
                var fatal = new RpcResponseHeaderProto
                {
                    CallId = 1,
                    Status = RpcResponseHeaderProto.Types.RpcStatusProto.Fatal,
                    ErrorDetail = RpcResponseHeaderProto.Types.RpcErrorCodeProto.FatalDeserializingRequest,
                    ExceptionClassName = "org.apache.hadoop.ipc.RpcServerException",
                    ErrorMsg = "could not deserialize request",
                };
                var frame = new byte[RpcFrameCodec.FrameLength([fatal])];
                RpcFrameCodec.WriteFrame(frame, [fatal]);
                await socket.SendAsync(frame, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_fatal_answer_fails_the_call_with_the_servers_reason_and_the_next_call_opens_a_new_connection()
    {
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var settings = new RpcConnectionSettings(ByteString.CopyFrom(new byte[16]), "flume", null, "org.apache.hadoop.hdfs.protocol.ClientProtocol", 1);
        await using var client = new RpcClient("127.0.0.1", port, settings, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeProvider.System);
        var request = new GetFileInfoRequestProto { Src = "/" };

        var first = await Assert.ThrowsAsync<HdfsConnectionException>(() => client.CallAsync("getFileInfo", request, GetFileInfoResponseProto.Parser, new CallAttempt(1, 0), CancellationToken.None));
        var second = await Assert.ThrowsAsync<HdfsConnectionException>(() => client.CallAsync("getFileInfo", request, GetFileInfoResponseProto.Parser, new CallAttempt(1, 0), CancellationToken.None));

        var reason = Assert.IsType<RemoteException>(first.InnerException);
        Assert.Equal(RpcResponseHeaderProto.Types.RpcErrorCodeProto.FatalDeserializingRequest, reason.ErrorCode);
        Assert.Contains("could not deserialize request", first.Message, StringComparison.Ordinal);
        Assert.IsType<RemoteException>(second.InnerException);
        Assert.Equal(2, Volatile.Read(ref _connections));
    }
}
