using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Thrift;

public sealed class ThriftClientServerTests : IAsyncLifetime
{
    private readonly CapturingLoggerFactory _logs = new();
    private readonly RecordingReceiver _receiver = new();
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Delivers_single_events_with_headers_and_binary_bodies(ThriftProtocolKind protocol)
    {
        var server = await StartServerAsync(protocol);
        var client = CreateClient(server.LocalEndPoint.Port, protocol);
        var sent = Enumerable.Range(0, 5).Select(ThriftTestEvents.Make).ToList();

        foreach (var e in sent)
        {
            await client.AppendAsync(e);
        }

        ThriftTestEvents.AssertSame(sent, _receiver.Events.ToList());
        Assert.Empty(_receiver.BatchSizes);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Splits_batches_larger_than_the_batch_size(ThriftProtocolKind protocol)
    {
        var server = await StartServerAsync(protocol);
        var client = CreateClient(server.LocalEndPoint.Port, protocol, o => o.BatchSize = 3);
        var sent = Enumerable.Range(0, 10).Select(ThriftTestEvents.Make).ToList();

        await client.AppendBatchAsync(sent);

        Assert.Equal([3, 3, 3, 1], _receiver.BatchSizes.ToArray());
        ThriftTestEvents.AssertSame(sent, _receiver.Events.ToList());
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Delivers_a_batch_whose_frame_spans_many_pipe_segments(ThriftProtocolKind protocol)
    {
        var server = await StartServerAsync(protocol);
        var client = CreateClient(server.LocalEndPoint.Port, protocol, o => o.BatchSize = 1000);
        var sent = Enumerable.Range(0, 600).Select(ThriftTestEvents.Make).ToList();

        await client.AppendBatchAsync(sent);

        Assert.Equal([600], _receiver.BatchSizes.ToArray());
        ThriftTestEvents.AssertSame(sent, _receiver.Events.ToList());
    }

    [Fact]
    public async Task Sends_nothing_for_an_empty_batch()
    {
        var server = await StartServerAsync(ThriftProtocolKind.Compact);
        var client = CreateClient(server.LocalEndPoint.Port, ThriftProtocolKind.Compact);

        await client.AppendBatchAsync([]);

        Assert.Empty(_receiver.BatchSizes);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Reconnects_after_the_server_restarts(ThriftProtocolKind protocol)
    {
        var first = await StartServerAsync(protocol);

        // The server comes back where the client points: the one rebind of a known port this test is about.
        var port = first.LocalEndPoint.Port;
        var client = CreateClient(port, protocol);
        await client.AppendAsync(ThriftTestEvents.Make(1));

        await first.StopAsync(CancellationToken.None);
        var down = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(2)).AsTask());
        Assert.Contains($"127.0.0.1:{port}", down.Message, StringComparison.Ordinal);

        await StartServerAsync(protocol, port);
        await client.AppendAsync(ThriftTestEvents.Make(4));

        Assert.Equal(["1", "4"], _receiver.Events.Select(e => e.Headers["seq"]).ToArray());
    }

    [Theory]
    [InlineData(EventStatus.Failed)]
    [InlineData(EventStatus.Error)]
    [InlineData(EventStatus.Unknown)]
    public async Task Surfaces_a_status_other_than_OK_as_EventDeliveryException(EventStatus answer)
    {
        var server = await StartServerAsync(ThriftProtocolKind.Compact);
        var client = CreateClient(server.LocalEndPoint.Port, ThriftProtocolKind.Compact);
        _receiver.Status = answer;

        var e = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendBatchAsync([ThriftTestEvents.Make(1)]).AsTask());

        Assert.Contains($"127.0.0.1:{server.LocalEndPoint.Port}", e.Message, StringComparison.Ordinal);
        Assert.Contains(answer.ToString(), e.Message, StringComparison.Ordinal);
        _receiver.Status = EventStatus.Ok;
        await client.AppendAsync(ThriftTestEvents.Make(2));
    }

    [Fact]
    public async Task Answers_FAILED_when_the_receiver_throws_and_keeps_serving()
    {
        var server = await StartServerAsync(ThriftProtocolKind.Binary);
        var client = CreateClient(server.LocalEndPoint.Port, ThriftProtocolKind.Binary);
        _receiver.Failure = new InvalidOperationException("channel full");

        var e = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(1)).AsTask());

        Assert.Contains("Failed", e.Message, StringComparison.Ordinal);
        Assert.True(_logs.Contains("receiver failed", Microsoft.Extensions.Logging.LogLevel.Error), _logs.Dump());
        _receiver.Failure = null;
        await client.AppendAsync(ThriftTestEvents.Make(2));
        Assert.Single(_receiver.Events);
    }

    [Fact]
    public async Task Answers_a_request_in_flight_when_the_server_stops()
    {
        var server = await StartServerAsync(ThriftProtocolKind.Compact);
        var client = CreateClient(server.LocalEndPoint.Port, ThriftProtocolKind.Compact);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Hold = release.Task;

        var append = client.AppendAsync(ThriftTestEvents.Make(1)).AsTask();
        await _receiver.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stop = server.StopAsync(timeout.Token);
        release.SetResult();

        await append.WaitAsync(TimeSpan.FromSeconds(10));
        await stop;
        Assert.Single(_receiver.Events);
    }

    [Fact]
    public async Task Times_out_a_request_the_server_never_answers()
    {
        using var silent = new SilentPort();
        var port = silent.Port;
        var client = CreateClient(port, ThriftProtocolKind.Compact, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(1)).AsTask());

        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("request timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_the_host_when_the_connection_is_refused()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        var client = CreateClient(port, ThriftProtocolKind.Compact);

        var e = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(1)).AsTask());

        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconnects_once_the_reset_connection_interval_has_passed()
    {
        var server = await StartServerAsync(ThriftProtocolKind.Compact);
        var time = new FakeTimeProvider();
        var client = CreateClient(server.LocalEndPoint.Port, ThriftProtocolKind.Compact, o => o.ResetConnectionInterval = TimeSpan.FromSeconds(60), time);

        await client.AppendAsync(ThriftTestEvents.Make(1));
        time.Advance(TimeSpan.FromSeconds(59));
        await client.AppendAsync(ThriftTestEvents.Make(2));
        Assert.Equal(1, CountConnectionsOpened());

        time.Advance(TimeSpan.FromSeconds(1));
        await client.AppendAsync(ThriftTestEvents.Make(3));

        await Eventually.TrueAsync(() => CountConnectionsOpened() == 2, "the second connection to be logged");
        Assert.Equal(3, _receiver.Events.Count);
    }

    [Fact]
    public async Task Refuses_calls_after_dispose()
    {
        var server = await StartServerAsync(ThriftProtocolKind.Compact);
        var client = CreateClient(server.LocalEndPoint.Port, ThriftProtocolKind.Compact);
        await client.AppendAsync(ThriftTestEvents.Make(1));

        await client.DisposeAsync();

        Assert.False(client.IsActive);
        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(2)).AsTask());
    }

    private int CountConnectionsOpened() =>
        _logs.Entries.Count(e => e.Message.Contains("opened", StringComparison.Ordinal));

    private async Task<IRpcServer> StartServerAsync(ThriftProtocolKind protocol, int port = 0)
    {
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = port, ThriftProtocol = protocol };
        var server = ThriftRpc.CreateServer("thrift source test", options, _receiver, _logs);
        _cleanup.Add(server);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private IRpcClient CreateClient(int port, ThriftProtocolKind protocol, Action<RpcClientOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new RpcClientOptions
        {
            ClientType = RpcClientType.Thrift,
            ThriftProtocol = protocol,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        var client = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), options, _logs, time);
        _cleanup.Add(client);
        return client;
    }
}
