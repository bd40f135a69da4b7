using System.Buffers.Binary;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>
/// max-connections, idle-timeout and min-data-rate on the shared TCP server, through the avro server, on a manual
/// clock: the watch loop only runs when the test moves the clock, one second at a time.
/// </summary>
public sealed class ConnectionLimitsTests : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private readonly CountingTimeProvider _clock = new();
    private readonly CountingObserver _observer = new();
    private readonly RecordingReceiver _receiver = new();
    private readonly List<TcpClient> _clients = [];
    private IRpcServer? _server;

    private async Task<int> StartAsync(ConnectionLimits limits)
    {
        var options = new RpcServerOptions
        {
            Bind = "127.0.0.1",
            Port = 0,
            Connections = limits,
            TimeProvider = _clock,
            ConnectionObserver = _observer,
        };
        _server = AvroRpc.CreateServer("limited", options, _receiver, NullLoggerFactory.Instance);
        await _server.StartAsync(CancellationToken.None);
        return _server.LocalEndPoint.Port;
    }

    private async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        _clients.Add(client);
        await client.ConnectAsync("127.0.0.1", port);
        return client;
    }

    /// <summary>
    /// Moves the clock one step once the watch loop has armed its timer, then waits until the loop has checked the
    /// connections and armed the next one (or the server closed one), so no check is skipped or overtaken.
    /// </summary>
    private async Task TickAsync()
    {
        await Eventually.TrueAsync(() => _clock.ActiveTimerCount > 0, "the watch loop armed its timer");
        var created = _clock.TimersCreated;
        _clock.Advance(Step);
        await Eventually.TrueAsync(() => _clock.TimersCreated > created, "the watch loop checked and re-armed");
    }

    /// <summary>Whole seconds of clock moved before <paramref name="closed"/> holds, at most <paramref name="limit"/>.</summary>
    private async Task<int> SecondsUntilAsync(Func<bool> closed, int limit)
    {
        for (var second = 0; second < limit; second++)
        {
            if (closed())
            {
                return second;
            }

            await TickAsync();
        }

        return closed() ? limit : -1;
    }

    /// <summary>Whether a new connection is closed by the server without a byte: reset during the connect, or EOF or reset on the first read.</summary>
    private async Task<bool> IsClosedAtOnceAsync(int port)
    {
        try
        {
            var client = await ConnectAsync(port);
            var read = await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return read == 0;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true;
        }
    }

    private static byte[] NettyHeader(int length)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(header, 1);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), length);
        return header;
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_at_the_idle_timeout_and_not_before()
    {
        var port = await StartAsync(new ConnectionLimits { IdleTimeout = TimeSpan.FromSeconds(10), MinDataRate = 0 });
        await ConnectAsync(port);
        await Eventually.TrueAsync(() => _observer.Opened == 1, "the connection was accepted");

        var seconds = await SecondsUntilAsync(() => _observer.TimedOut == 1, limit: 15);

        Assert.InRange(seconds, 10, 13);
        await Eventually.TrueAsync(() => _observer.Closed == 1, "the idle connection was closed");
    }

    [Fact]
    public async Task A_frame_trickled_at_one_byte_a_second_is_closed_after_the_grace_period_long_before_the_idle_timeout()
    {
        var port = await StartAsync(new ConnectionLimits
        {
            IdleTimeout = TimeSpan.FromSeconds(300),
            MinDataRate = 240,
            MinDataRateGracePeriod = TimeSpan.FromSeconds(5),
        });
        var client = await ConnectAsync(port);
        await Eventually.TrueAsync(() => _observer.Opened == 1, "the connection was accepted");
        var stream = client.GetStream();
        await stream.WriteAsync(NettyHeader(1000));

        // The server starts timing the frame once it has the connection's stream (after its first-byte TLS check), which
        // on a busy machine can be a few ticks after the header was written: the upper bound allows for that.
        var seconds = -1;
        for (var second = 0; second < 40 && seconds < 0; second++)
        {
            if (_observer.TimedOut == 1)
            {
                seconds = second;
                break;
            }

            await stream.WriteAsync(new byte[] { 0 });

            // Let the server read the byte before the clock moves, so the clock measures the peer's pace, not ours.
            await Task.Delay(10);
            await TickAsync();
        }

        Assert.InRange(seconds, 6, 40);
    }

    [Fact]
    public async Task Time_the_server_spends_on_a_request_never_counts_as_the_client_being_idle()
    {
        var port = await StartAsync(new ConnectionLimits { IdleTimeout = TimeSpan.FromSeconds(5), MinDataRate = 0 });
        var release = new TaskCompletionSource();
        _receiver.Hold = release.Task;
        var options = new RpcClientOptions();
        options.Hosts.Add(new RpcHost("limited", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        var append = client.AppendAsync(FlumeEvent.FromText("held")).AsTask();
        await _receiver.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        for (var second = 0; second < 20; second++)
        {
            await TickAsync();
        }

        release.SetResult();
        await append.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _observer.TimedOut);
        Assert.Single(_receiver.Events);
    }

    [Fact]
    public async Task A_client_whose_idle_connection_the_server_closed_reconnects_and_its_next_request_succeeds()
    {
        var port = await StartAsync(new ConnectionLimits { IdleTimeout = TimeSpan.FromSeconds(5), MinDataRate = 0 });
        var options = new RpcClientOptions();
        options.Hosts.Add(new RpcHost("limited", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        await client.AppendAsync(FlumeEvent.FromText("before"));

        Assert.InRange(await SecondsUntilAsync(() => _observer.TimedOut == 1, limit: 10), 5, 8);
        await Eventually.TrueAsync(() => _observer.Closed == 1, "the idle connection was closed");
        await client.AppendAsync(FlumeEvent.FromText("after"));

        Assert.Equal(["before", "after"], _receiver.Events.Select(e => System.Text.Encoding.UTF8.GetString(e.Body.Span)));
        Assert.Equal(2, _observer.Opened);
    }

    [Fact]
    public async Task Connections_over_max_connections_are_closed_at_accept_and_counted_while_those_within_are_served()
    {
        var port = await StartAsync(new ConnectionLimits { MaxConnections = 2, IdleTimeout = TimeSpan.Zero, MinDataRate = 0 });
        await ConnectAsync(port);
        await ConnectAsync(port);
        await Eventually.TrueAsync(() => _observer.Opened == 2, "two connections accepted");

        Assert.True(await IsClosedAtOnceAsync(port), "the third connection was closed");
        await Eventually.TrueAsync(() => _observer.Refused == 1, "the refusal counted");

        _clients[0].Dispose();
        await Eventually.TrueAsync(() => _observer.Closed == 1, "a slot was freed");
        var options = new RpcClientOptions();
        options.Hosts.Add(new RpcHost("limited", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        await client.AppendAsync(FlumeEvent.FromText("served"));
        Assert.Single(_receiver.Events);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
