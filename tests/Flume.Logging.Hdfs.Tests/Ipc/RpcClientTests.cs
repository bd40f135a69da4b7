using System.Net;
using System.Net.Sockets;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Hdfs.Tests.Ipc;

public sealed class RpcClientTests : IAsyncLifetime
{
    private const string Protocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol";
    private readonly TestNameNode _nameNode = new([]);
    private int _nextCallId;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nameNode.DisposeAsync();

    private static RpcClient Client(int port, string user = "flume", string? realUser = null, TimeProvider? timeProvider = null) =>
        new("127.0.0.1", port, new RpcConnectionSettings(ByteString.CopyFrom(Guid.NewGuid().ToByteArray()), user, realUser, Protocol, 1),
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), timeProvider ?? TimeProvider.System);

    private Task<T> Call<T>(RpcClient client, string method, IMessage request, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T> =>
        client.CallAsync(method, request, parser, new CallAttempt(Interlocked.Increment(ref _nextCallId), 0), cancellationToken);

    private Task<MkdirsResponseProto> MkdirAsync(RpcClient client, string path) =>
        Call(client, "mkdirs", new MkdirsRequestProto { Src = path, Masked = new FsPermissionProto { Perm = 493 }, CreateParent = true }, MkdirsResponseProto.Parser, CancellationToken.None);

    private Task<GetListingResponseProto> ListAsync(RpcClient client, string path) =>
        Call(client, "getListing", new GetListingRequestProto { Src = path, StartAfter = ByteString.Empty }, GetListingResponseProto.Parser, CancellationToken.None);

    [Fact]
    public async Task Concurrent_calls_share_one_connection_and_each_gets_its_own_answer()
    {
        await using var client = Client(_nameNode.Port);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => MkdirAsync(client, $"/d{i}/child{i}")));

        var listings = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => ListAsync(client, $"/d{i}")));

        for (var i = 0; i < 40; i++)
        {
            Assert.Equal($"child{i}", Assert.Single(listings[i].DirList.PartialListing).Path.ToStringUtf8());
        }

        Assert.Single(_nameNode.ConnectionUsers);
    }

    [Fact]
    public async Task The_connection_context_names_the_effective_and_the_real_user()
    {
        await using var client = Client(_nameNode.Port, user: "alice", realUser: "flume");
        await MkdirAsync(client, "/home/alice");

        Assert.Equal("alice via flume", Assert.Single(_nameNode.ConnectionUsers));
        var status = await Call(client, "getFileInfo", new GetFileInfoRequestProto { Src = "/home/alice" }, GetFileInfoResponseProto.Parser, CancellationToken.None);
        Assert.Equal("alice", status.Fs.Owner);
    }

    [Fact]
    public async Task A_server_error_carries_the_java_exception_class_and_message_and_the_connection_stays_open()
    {
        await using var client = Client(_nameNode.Port);
        var request = new CreateRequestProto
        {
            Src = "/missing/file", Masked = new FsPermissionProto { Perm = 420 }, ClientName = "c", CreateFlag = 1, Replication = 1, BlockSize = 1024,
        };

        var error = await Assert.ThrowsAsync<RemoteException>(() => Call(client, "create", request, CreateResponseProto.Parser, CancellationToken.None));

        Assert.True(error.IsFileNotFound);
        Assert.Equal("java.io.FileNotFoundException", error.ClassName);
        Assert.Contains("/missing", error.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(RpcResponseHeaderProto.Types.RpcErrorCodeProto.ErrorApplication, error.ErrorCode);
        Assert.True((await MkdirAsync(client, "/after")).Result);
        Assert.Single(_nameNode.ConnectionUsers);
    }

    [Fact]
    public async Task An_unknown_method_is_a_no_such_method_error()
    {
        await using var client = Client(_nameNode.Port);

        var error = await Assert.ThrowsAsync<RemoteException>(() => Call(client, "concat", new RenameRequestProto { Src = "/a", Dst = "/b" }, RenameResponseProto.Parser, CancellationToken.None));

        Assert.Equal(RpcResponseHeaderProto.Types.RpcErrorCodeProto.ErrorNoSuchMethod, error.ErrorCode);
        Assert.Equal(["concat"], _nameNode.UnimplementedMethods);
    }

    [Fact]
    public async Task A_connection_the_server_closes_mid_call_fails_that_call_and_the_next_call_reconnects()
    {
        await using var client = Client(_nameNode.Port);
        await MkdirAsync(client, "/before");
        _nameNode.CloseConnectionOnNextCall();

        var error = await Assert.ThrowsAsync<HdfsConnectionException>(() => MkdirAsync(client, "/during"));

        Assert.True(error.RequestSent);
        Assert.Contains("closed the connection", error.Message, StringComparison.Ordinal);
        Assert.True((await MkdirAsync(client, "/after")).Result);
        Assert.Equal(2, _nameNode.ConnectionUsers.Count);
    }

    [Fact]
    public async Task Every_call_waiting_on_a_connection_that_breaks_fails_at_once()
    {
        await using var client = Client(_nameNode.Port);
        await MkdirAsync(client, "/before");
        _nameNode.Unresponsive = true;
        var waiting = Enumerable.Range(0, 20).Select(i => MkdirAsync(client, $"/waiting{i}")).ToList();
        await Eventually.TrueAsync(() => _nameNode.MethodsCalled.Count == 21, "20 calls to arrive");

        _nameNode.CloseConnectionOnNextCall();
        waiting.Add(MkdirAsync(client, "/closing"));

        foreach (var call in waiting)
        {
            await Assert.ThrowsAsync<HdfsConnectionException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task A_call_the_server_never_answers_times_out_and_later_calls_still_work()
    {
        // On a clock that moves only when told, only the hung call can time out, however busy the machine.
        var time = new FakeTimeProvider();
        await using var client = Client(_nameNode.Port, timeProvider: time);
        await MkdirAsync(client, "/before");
        _nameNode.Unresponsive = true;

        var hung = MkdirAsync(client, "/hung");
        await Eventually.TrueAsync(() => _nameNode.MethodsCalled.Count == 2, "the hung call to arrive");
        time.Advance(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => hung);

        Assert.Contains("mkdirs", error.Message, StringComparison.Ordinal);
        _nameNode.Unresponsive = false;
        Assert.True((await MkdirAsync(client, "/after")).Result);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_fails_to_connect_before_anything_was_sent()
    {
        using var closed = new ClosedPort();
        await using var client = Client(closed.Port);

        var error = await Assert.ThrowsAsync<HdfsConnectionException>(() => MkdirAsync(client, "/x"));

        Assert.False(error.RequestSent);
        Assert.Contains("Cannot connect", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connect_that_gets_no_answer_gives_up_after_the_connect_timeout()
    {
        // A listener that never accepts answers no more handshakes once its backlog is full: connects then hang.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var filler = new Socket(SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                _ = filler.ConnectAsync(IPAddress.Loopback, port);
            }

            var time = new CountingTimeProvider();
            await using var client = Client(port, timeProvider: time);
            var call = MkdirAsync(client, "/x");

            // The connect timeout armed means the call is waiting on the hung connect, which only the clock ends.
            await Eventually.TrueAsync(() => time.ActiveTimerCount > 0, "the connect timeout armed");
            Assert.False(call.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(5));

            var error = await Assert.ThrowsAsync<HdfsConnectionException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.False(error.RequestSent);
            Assert.Contains("within 5 s", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_server_that_demands_kerberos_is_refused_with_a_clear_message()
    {
        _nameNode.RequiresKerberos = true;
        await using var client = Client(_nameNode.Port);

        var error = await Assert.ThrowsAsync<HdfsConnectionException>(() => MkdirAsync(client, "/x"));

        Assert.Contains("SASL", error.Message, StringComparison.Ordinal);
        Assert.Contains("out of scope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_call_stops_waiting()
    {
        await using var client = Client(_nameNode.Port);
        await MkdirAsync(client, "/before");
        _nameNode.Unresponsive = true;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Call(client, "getFileInfo", new GetFileInfoRequestProto { Src = "/" }, GetFileInfoResponseProto.Parser, cancel.Token));
    }
}
