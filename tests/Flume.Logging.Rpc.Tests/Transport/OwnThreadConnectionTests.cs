using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Rpc.Transport;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>
/// Plain TCP connections served each on a thread of its own, up to <see cref="RpcServerOptions.OwnThreadConnections"/>,
/// and the rest through the socket engine: both serve the same requests, in order, whatever the receiver does.
/// </summary>
public sealed class OwnThreadConnectionTests
{
    /// <summary>Records which thread each request ran on; every other request completes asynchronously when asked.</summary>
    private sealed class ThreadRecordingReceiver : IEventReceiver
    {
        private int _calls;

        public bool YieldEveryOther { get; init; }

        public ConcurrentQueue<string> Bodies { get; } = new();

        public ConcurrentQueue<string?> ThreadNames { get; } = new();

        public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) =>
            AppendBatchAsync([flumeEvent], cancellationToken);

        public async ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
        {
            ThreadNames.Enqueue(Thread.CurrentThread.Name);
            if (YieldEveryOther && Interlocked.Increment(ref _calls) % 2 == 0)
            {
                await Task.Delay(5, cancellationToken);
            }

            foreach (var e in events)
            {
                Bodies.Enqueue(Encoding.UTF8.GetString(e.Body.Span));
            }

            return EventStatus.Ok;
        }
    }

    private static RpcServerOptions Options(int ownThreads) => new()
    {
        Bind = "127.0.0.1",
        Port = 0,
        OwnThreadConnections = ownThreads,
    };

    private static IRpcClient Client(string scheme, int port)
    {
        var options = new RpcClientOptions { ClientType = scheme == "thrift" ? RpcClientType.Thrift : RpcClientType.Default };
        options.Hosts.Add(new RpcHost("h1", "127.0.0.1", port));
        return RpcClients.Create(options);
    }

    private static IRpcServer Server(string scheme, RpcServerOptions options, IEventReceiver receiver) =>
        scheme == "thrift"
            ? ThriftRpc.CreateServer("t", options, receiver, NullLoggerFactory.Instance)
            : AvroRpc.CreateServer("a", options, receiver, NullLoggerFactory.Instance);

    [Theory]
    [InlineData("avro")]
    [InlineData("thrift")]
    public async Task Connections_within_the_limit_run_their_requests_on_their_own_thread_and_the_rest_in_the_pool(string scheme)
    {
        var receiver = new ThreadRecordingReceiver();
        await using var server = Server(scheme, Options(ownThreads: 1), receiver);
        await server.StartAsync(CancellationToken.None);
        await using var first = Client(scheme, server.LocalEndPoint.Port);
        await using var second = Client(scheme, server.LocalEndPoint.Port);

        await first.AppendBatchAsync([FlumeEvent.FromText("a1"), FlumeEvent.FromText("a2")]);
        await second.AppendBatchAsync([FlumeEvent.FromText("b1")]);
        await first.AppendAsync(FlumeEvent.FromText("a3"));

        Assert.Equal(["a1", "a2", "b1", "a3"], receiver.Bodies);
        var names = receiver.ThreadNames.ToArray();
        Assert.Equal("Flume connection", names[0]);
        Assert.NotEqual("Flume connection", names[1]);
        Assert.Equal("Flume connection", names[2]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public async Task Requests_whose_receiver_completes_asynchronously_are_all_answered_in_order(int ownThreads)
    {
        var receiver = new ThreadRecordingReceiver { YieldEveryOther = true };
        await using var server = Server("avro", Options(ownThreads), receiver);
        await server.StartAsync(CancellationToken.None);
        await using var client = Client("avro", server.LocalEndPoint.Port);

        var expected = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var body = $"e{i}";
            expected.Add(body);
            await client.AppendBatchAsync([FlumeEvent.FromText(body)]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(expected, receiver.Bodies);
    }

    [Fact]
    public async Task Stopping_the_server_ends_idle_connections_on_their_own_threads_and_frees_their_places()
    {
        var receiver = new ThreadRecordingReceiver();
        var server = Server("avro", Options(ownThreads: 2), receiver);
        await server.StartAsync(CancellationToken.None);
        var port = server.LocalEndPoint.Port;
        using var idle1 = new TcpClient();
        using var idle2 = new TcpClient();
        await idle1.ConnectAsync("127.0.0.1", port);
        await idle2.ConnectAsync("127.0.0.1", port);
        await Eventually.TrueAsync(() => ((TcpServer)server).ConnectionCount == 2, "both connections are served");

        // Both threads sit in recv; the stop must wake them, or it would wait out its timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stop = server.StopAsync(timeout.Token);
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(timeout.IsCancellationRequested);
        Assert.Equal(0, ((TcpServer)server).ConnectionCount);
        Assert.Equal(0, await idle1.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await server.DisposeAsync();
    }
}
