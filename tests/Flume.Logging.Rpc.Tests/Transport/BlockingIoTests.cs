using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>Clients with <see cref="RpcClientOptions.BlockingIo"/>, as the relay's avro and thrift sinks build them.</summary>
public sealed class BlockingIoTests : IAsyncDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private readonly RecordingReceiver _receiver = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly List<IAsyncDisposable> _cleanup = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var item in _cleanup)
        {
            await item.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("avro")]
    [InlineData("avro deflate")]
    [InlineData("avro tls")]
    [InlineData("thrift")]
    public async Task Each_call_completes_with_its_answer_on_the_calling_thread(string transport)
    {
        var tls = transport.EndsWith("tls", StringComparison.Ordinal);
        using var certificates = tls ? TestCertificates.Create() : null;
        var compression = transport.EndsWith("deflate", StringComparison.Ordinal) ? CompressionType.Deflate : CompressionType.None;
        var serverOptions = new RpcServerOptions
        {
            Bind = "127.0.0.1",
            Port = 0,
            Compression = compression,
            Tls = certificates is null ? null : new TlsOptions { Keystore = certificates.KeystoreP12, KeystorePassword = TestCertificates.Password },
        };
        var thrift = transport == "thrift";
        var server = thrift ? ThriftRpc.CreateServer("thrift source", serverOptions, _receiver, _logs) : AvroRpc.CreateServer("avro source", serverOptions, _receiver, _logs);
        _cleanup.Add(server);
        await server.StartAsync(CancellationToken.None);
        var client = Client(server.LocalEndPoint.Port, thrift, options =>
        {
            options.Compression = compression;
            options.Tls = certificates is null ? null : new TlsOptions { Truststore = certificates.TruststorePem };
        });

        for (var round = 0; round < 3; round++)
        {
            // Complete on return: the connect, the handshakes, the send and the answer's read all blocked this thread.
            var call = client.AppendBatchAsync([FlumeEvent.FromText($"{round}a"), FlumeEvent.FromText($"{round}b")]);
            Assert.True(call.IsCompleted, $"call {round} went asynchronous");
            await call;
        }

        Assert.Equal(["0a", "0b", "1a", "1b", "2a", "2b"], _receiver.Events.Select(e => System.Text.Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public async Task A_refused_connect_names_the_host_and_the_reason_once()
    {
        using var closed = new ClosedPort();
        var client = Client(closed.Port, thrift: true);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("x"))));

        Assert.Equal($"cannot connect to 127.0.0.1:{closed.Port}: Connection refused", error.Message);
    }

    [Fact]
    public async Task A_request_the_server_never_answers_fails_at_the_request_timeout_and_the_next_reconnects()
    {
        using var silent = new SilentPort();
        var client = Client(silent.Port, thrift: true, options => options.RequestTimeout = Short);

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("x"))));

        Assert.Contains("got no answer within the request timeout of 300 ms", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, Short - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));

        // The timed-out connection was dropped: the next call opens another, which the listener queues as well.
        await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("y"))));
        Assert.Equal(2, silent.AcceptQueued());
    }

    [Fact]
    public async Task A_send_blocked_on_a_peer_that_reads_nothing_fails_at_the_request_timeout()
    {
        using var silent = new SilentPort();
        var client = Client(silent.Port, thrift: true, options => options.RequestTimeout = Short);

        // 40 MB: more than the kernel buffers on both ends can hold (tcp_rmem and tcp_wmem allow 32 + 4 MB at most), so
        // the send blocks until the deadline closes the socket.
        var body = new byte[1024 * 1024];
        var batch = Enumerable.Range(0, 40).Select(_ => new FlumeEvent(body)).ToArray();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendBatchAsync(batch)));

        Assert.Contains("within the request timeout of 300 ms", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_avro_handshake_the_server_never_answers_fails_at_the_connect_timeout()
    {
        using var silent = new SilentPort();
        var client = Client(silent.Port, thrift: false, options => options.ConnectTimeout = Short);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("x"))));

        Assert.Contains("connect and handshake timed out after 300 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connect_the_server_never_accepts_fails_at_the_connect_timeout()
    {
        // A listener whose accept queue is full drops further SYNs, so a connect waits for as long as it is let.
        using var full = new SilentPort(backlog: 0);
        var port = full.Port;
        var queued = new List<Socket>();
        try
        {
            for (var i = 0; i < 8 && await TryConnectAsync(port, queued); i++)
            {
            }

            var client = Client(port, thrift: true, options => options.ConnectTimeout = Short);
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("x"))));

            Assert.Contains($"connect to 127.0.0.1:{port} timed out after 300 ms", error.Message, StringComparison.Ordinal);
            Assert.InRange(watch.Elapsed, Short - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
        }
        finally
        {
            queued.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task A_tls_handshake_the_server_never_answers_fails_at_the_connect_timeout()
    {
        using var silent = new SilentPort();
        var port = silent.Port;

        // Thrift: its connect and TLS handshake come before its first request (avro's count as that request's, and a
        // timeout there says "connect and handshake").
        var client = Client(port, thrift: true, options =>
        {
            options.ConnectTimeout = Short;
            options.Tls = new TlsOptions { TrustAllCerts = true };
        });

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("x"))));

        Assert.Contains($"TLS handshake with 127.0.0.1:{port} timed out after 300 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_that_cancels_a_blocked_request_gets_its_cancellation_at_once()
    {
        using var silent = new SilentPort();
        var client = Client(silent.Port, thrift: true);
        using var cancel = new CancellationTokenSource();

        var watch = Stopwatch.StartNew();
        var call = OnOwnThread(() => client.AppendAsync(FlumeEvent.FromText("x"), cancel.Token));
        cancel.CancelAfter(Short);

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Runs a blocking call on a thread of its own, as a sink runner's, so that a call that never ends fails the test
    /// after 10 s instead of hanging it.
    /// </summary>
    private static Task OnOwnThread(Func<ValueTask> call) =>
        Task.Factory.StartNew(() => call().AsTask(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .Unwrap()
            .WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Connects a socket that the listener queues; false once the queue is full and a connect hangs.</summary>
    private static async Task<bool> TryConnectAsync(int port, List<Socket> queued)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        queued.Add(socket);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IRpcClient Client(int port, bool thrift, Action<RpcClientOptions>? configure = null)
    {
        var options = new RpcClientOptions
        {
            ClientType = thrift ? RpcClientType.Thrift : RpcClientType.Default,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            RequestTimeout = TimeSpan.FromSeconds(10),
            BlockingIo = true,
        };
        configure?.Invoke(options);
        var host = new RpcHost("h1", "127.0.0.1", port);
        var client = thrift ? ThriftRpc.CreateClient(host, options, _logs) : AvroRpc.CreateClient(host, options, _logs);
        _cleanup.Add(client);
        return client;
    }
}
