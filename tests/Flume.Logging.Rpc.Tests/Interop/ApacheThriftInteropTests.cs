using System.Net;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Tests.Thrift.Oracle.Generated;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Thrift;
using Thrift.Processor;
using Thrift.Protocol;
using Thrift.Server;
using Thrift.Transport;
using Thrift.Transport.Client;
using Thrift.Transport.Server;
using Status = Flume.Logging.Protocol.Tests.Thrift.Oracle.Generated.Status;

namespace Flume.Logging.Rpc.Tests.Interop;

/// <summary>
/// Our Thrift RPC client and server against Apache Thrift's generated server and client (ApacheThrift runtime,
/// framed transport as Flume uses), in process on 127.0.0.1, in both protocols.
/// </summary>
public sealed class ApacheThriftInteropTests : IAsyncLifetime
{
    private readonly CapturingLoggerFactory _logs = new();
    private readonly RecordingReceiver _receiver = new();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }

        _stop.Dispose();
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Our_client_delivers_to_the_generated_server_and_reads_each_status(ThriftProtocolKind protocol)
    {
        var handler = new Handler();
        var port = await StartTheirServerAsync(protocol, handler);
        var client = CreateOurClient(port, protocol);
        var sent = Enumerable.Range(0, 20).Select(i => Event(i)).ToList();

        await client.AppendAsync(sent[0]);
        await client.AppendBatchAsync(sent.Skip(1).ToList());

        Assert.Equal(sent.Count, handler.Events.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Body.ToArray(), handler.Events.ElementAt(i).Body);
            Assert.Equal(sent[i].Headers, handler.Events.ElementAt(i).Headers);
        }

        handler.Answer = () => Status.FAILED;
        var failed = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(Event(99)).AsTask());
        Assert.Contains("Failed", failed.Message, StringComparison.OrdinalIgnoreCase);

        handler.Answer = () => throw new InvalidOperationException("handler broke");
        var thrown = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendBatchAsync([Event(100)]).AsTask());
        Assert.Contains("TApplicationException", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Generated_server_refusing_our_oversized_frame_fails_the_call_and_we_recover(ThriftProtocolKind protocol)
    {
        var handler = new Handler();
        var port = await StartTheirServerAsync(protocol, handler, maxFrameSize: 64 * 1024);
        var client = CreateOurClient(port, protocol);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(new FlumeEvent(new byte[100_000])).AsTask());
        await client.AppendAsync(Event(1));

        Assert.Equal(Event(1).Body.ToArray(), Assert.Single(handler.Events).Body);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Generated_client_delivers_to_our_server_and_reads_each_status(ThriftProtocolKind protocol)
    {
        var port = await StartOurServerAsync(protocol);
        using var client = await ConnectTheirClientAsync(port, protocol);
        var sent = Enumerable.Range(0, 20).Select(i => new ThriftFlumeEvent(new Dictionary<string, string> { ["i"] = $"{i}", ["é"] = "中" }, [(byte)i, 0, 255])).ToList();

        Assert.Equal(Status.OK, await client.append(sent[0]));
        Assert.Equal(Status.OK, await client.appendBatch(sent.Skip(1).ToList()));
        Assert.Equal(sent.Count, _receiver.Events.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Body, _receiver.Events.ElementAt(i).Body.ToArray());
            Assert.Equal(sent[i].Headers, _receiver.Events.ElementAt(i).Headers);
        }

        _receiver.Status = EventStatus.Failed;
        Assert.Equal(Status.FAILED, await client.append(sent[0]));

        // A receiver that throws is answered FAILED, as Flume's ThriftSource does, and the connection stays usable.
        _receiver.Failure = new InvalidOperationException("channel broke");
        Assert.Equal(Status.FAILED, await client.appendBatch(sent));
        _receiver.Failure = null;
        _receiver.Status = EventStatus.Ok;
        Assert.Equal(Status.OK, await client.append(sent[1]));
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Our_server_closes_on_an_oversized_frame_from_the_generated_client_and_keeps_serving(ThriftProtocolKind protocol)
    {
        var port = await StartOurServerAsync(protocol, maxFrameLength: 64 * 1024);
        using (var client = await ConnectTheirClientAsync(port, protocol))
        {
            // The server closes without an answer: Thrift sees end of stream, or a reset if its frame was still unread.
            var closed = await Record.ExceptionAsync(() => client.append(new ThriftFlumeEvent([], new byte[100_000])));
            Assert.True(closed is TTransportException or IOException, $"expected the connection closed, got {closed}");
        }

        Assert.Empty(_receiver.Events);
        using var next = await ConnectTheirClientAsync(port, protocol);
        Assert.Equal(Status.OK, await next.append(new ThriftFlumeEvent([], [1])));
        Assert.Single(_receiver.Events);
    }

    private static FlumeEvent Event(int i) =>
        new(new Dictionary<string, string> { ["n"] = $"{i}", ["ü"] = "", [""] = "😀" }, new byte[] { (byte)i, 0, 0xFF });

    private async Task<int> StartTheirServerAsync(ThriftProtocolKind protocol, Handler handler, int? maxFrameSize = null)
    {
        var configuration = new TConfiguration();
        if (maxFrameSize is { } size)
        {
            configuration.MaxFrameSize = size;
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        var transport = new TServerSocketTransport(listener, configuration);
        var server = new TThreadPoolAsyncServer(
            new TSingletonProcessorFactory(new ThriftSourceProtocol.AsyncProcessor(handler, Microsoft.Extensions.Logging.Abstractions.NullLogger<ThriftSourceProtocol.AsyncProcessor>.Instance)),
            transport,
            new TFramedTransport.Factory(),
            ProtocolFactory(protocol));
        var serving = Task.Run(() => server.ServeAsync(_stop.Token));
        _cleanup.Add(new Stopper(async () =>
        {
            server.Stop();
            await serving.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }));
        // ServeAsync starts the listener on its own task.
        await Eventually.TrueAsync(() => listener.Server.IsBound, "the generated Thrift server to listen");
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<int> StartOurServerAsync(ThriftProtocolKind protocol, int? maxFrameLength = null)
    {
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0, ThriftProtocol = protocol };
        if (maxFrameLength is { } length)
        {
            options.Limits.MaxFrameLength = length;
        }

        var server = ThriftRpc.CreateServer("thrift oracle", options, _receiver, _logs);
        _cleanup.Add(server);
        await server.StartAsync(CancellationToken.None);
        return server.LocalEndPoint.Port;
    }

    private static async Task<ThriftSourceProtocol.Client> ConnectTheirClientAsync(int port, ThriftProtocolKind protocol)
    {
        var socket = new TSocketTransport(IPAddress.Loopback, port, new TConfiguration());
        var framed = new TFramedTransport(socket);
        await framed.OpenAsync(CancellationToken.None);
        return new ThriftSourceProtocol.Client(protocol == ThriftProtocolKind.Compact ? new TCompactProtocol(framed) : new TBinaryProtocol(framed));
    }

    private IRpcClient CreateOurClient(int port, ThriftProtocolKind protocol)
    {
        var options = new RpcClientOptions
        {
            ClientType = RpcClientType.Thrift,
            ThriftProtocol = protocol,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        var client = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), options, _logs);
        _cleanup.Add(client);
        return client;
    }

    private static TProtocolFactory ProtocolFactory(ThriftProtocolKind protocol) =>
        protocol == ThriftProtocolKind.Compact ? new TCompactProtocol.Factory() : new TBinaryProtocol.Factory();

    private sealed class Handler : ThriftSourceProtocol.IAsync
    {
        public System.Collections.Concurrent.ConcurrentQueue<ThriftFlumeEvent> Events { get; } = new();

        public Func<Status> Answer { get; set; } = () => Status.OK;

        public Task<Status> append(ThriftFlumeEvent @event, CancellationToken cancellationToken = default)
        {
            var status = Answer();
            Events.Enqueue(@event);
            return Task.FromResult(status);
        }

        public Task<Status> appendBatch(List<ThriftFlumeEvent> events, CancellationToken cancellationToken = default)
        {
            var status = Answer();
            foreach (var e in events)
            {
                Events.Enqueue(e);
            }

            return Task.FromResult(status);
        }
    }

    private sealed class Stopper(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop().ConfigureAwait(false);
    }
}
