using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Avro;

public class AvroClientServerTests
{
    [Fact]
    public async Task Delivers_single_events_with_headers_and_binary_bodies()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        await using var client = fixture.CreateClient();
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["host"] = "wéb-01", ["n"] = "1" };
        await client.AppendAsync(new FlumeEvent(headers, new byte[] { 0, 1, 255 }));
        await client.AppendAsync(FlumeEvent.FromText("second"));

        var received = fixture.Receiver.Events.ToArray();
        Assert.Equal(2, received.Length);
        Assert.Equal("wéb-01", received[0].Headers["host"]);
        Assert.Equal(new byte[] { 0, 1, 255 }, received[0].Body.ToArray());
        Assert.Equal("second", Encoding.UTF8.GetString(received[1].Body.Span));
    }

    [Fact]
    public async Task Splits_a_batch_larger_than_batch_size_into_requests()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        await using var client = fixture.CreateClient(o => o.BatchSize = 4);
        var events = Enumerable.Range(0, 10).Select(i => FlumeEvent.FromText($"e{i}")).ToArray();
        await client.AppendBatchAsync(events);

        Assert.Equal([4, 4, 2], fixture.Receiver.BatchSizes.ToArray());
        Assert.Equal(events.Select(e => Encoding.UTF8.GetString(e.Body.Span)), fixture.Receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        Assert.Equal(4, client.BatchSize);
    }

    [Fact]
    public async Task Delivers_with_deflate_on_both_sides()
    {
        await using var fixture = await AvroServerFixture.StartAsync(CompressionType.Deflate);
        await using var client = fixture.CreateClient(o =>
        {
            o.Compression = CompressionType.Deflate;
            o.CompressionLevel = 9;
        });
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compress me ", 5000)));
        await client.AppendAsync(new FlumeEvent(body));
        await client.AppendBatchAsync([FlumeEvent.FromText("a"), FlumeEvent.FromText("b")]);

        Assert.Equal(3, fixture.Receiver.Events.Count);
        Assert.Equal(body, fixture.Receiver.Events.First().Body.ToArray());
    }

    [Theory]
    [InlineData(CompressionType.Deflate, CompressionType.None, "this source has compression-type = deflate, so its clients must set compression-type = deflate too")]
    [InlineData(CompressionType.None, CompressionType.Deflate, "the bytes are zlib-compressed, as from a client with compression-type = deflate")]
    public async Task A_compression_mismatch_is_named_in_the_servers_warning(CompressionType server, CompressionType client, string expected)
    {
        await using var fixture = await AvroServerFixture.StartAsync(server);
        await using (var mismatched = fixture.CreateClient(o => o.Compression = client))
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await mismatched.AppendAsync(FlumeEvent.FromText("x")));
        }

        await Eventually.TrueAsync(() => fixture.Logs.Contains(expected), "the mismatch named");
        Assert.Empty(fixture.Receiver.Events);
    }

    [Fact]
    public async Task Reconnects_after_the_server_restarts()
    {
        var logs = new CapturingLoggerFactory();
        var receiver = new RecordingReceiver();
        var first = await AvroServerFixture.StartAsync(receiver: receiver, logs: logs);
        var port = first.Port;
        await using var client = AvroRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), new RpcClientOptions(), logs);
        await client.AppendAsync(FlumeEvent.FromText("before"));
        await first.DisposeAsync();

        // The old connection is dead: the first call may fail, but the client must then connect afresh.
        await using var second = await AvroServerFixture.StartAsync(port: port, receiver: receiver, logs: logs);
        try
        {
            await client.AppendAsync(FlumeEvent.FromText("after"));
        }
        catch (EventDeliveryException)
        {
            await client.AppendAsync(FlumeEvent.FromText("after"));
        }

        Assert.Equal(["before", "after"], receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        Assert.True(client.IsActive);
    }

    [Fact]
    public async Task Failed_status_surfaces_as_delivery_exception_naming_the_host_and_the_likely_cause()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        fixture.Receiver.Status = EventStatus.Failed;
        await using var client = fixture.CreateClient();

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendBatchAsync([FlumeEvent.FromText("x")]));
        Assert.Contains($"127.0.0.1:{fixture.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("FAILED", error.Message, StringComparison.Ordinal);
        Assert.Contains("most often because its channel is full; the relay's log says why", error.Message, StringComparison.Ordinal);

        fixture.Receiver.Status = EventStatus.Ok;
        await client.AppendAsync(FlumeEvent.FromText("y"));
        Assert.Equal(2, fixture.Receiver.Events.Count);
    }

    [Fact]
    public async Task Receiver_exception_is_logged_and_answered_failed()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        fixture.Receiver.Failure = new InvalidOperationException("receiver broke");
        await using var client = fixture.CreateClient();

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendAsync(FlumeEvent.FromText("x")));
        Assert.Contains("FAILED", error.Message, StringComparison.Ordinal);
        Assert.True(fixture.Logs.Contains("failed in the receiver", Microsoft.Extensions.Logging.LogLevel.Error), fixture.Logs.Dump());
    }

    [Fact]
    public async Task Unreachable_host_throws_delivery_exception()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        await using var client = AvroRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), new RpcClientOptions(), new CapturingLoggerFactory());
        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendAsync(FlumeEvent.FromText("x")));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_server_times_out_within_the_connect_timeout()
    {
        using var silent = new SilentPort();
        var options = new RpcClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = AvroRpc.CreateClient(new RpcHost("h1", "127.0.0.1", silent.Port), options, new CapturingLoggerFactory());

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendAsync(FlumeEvent.FromText("x")));
        Assert.Contains("timed out after 300 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconnects_when_the_reset_interval_has_elapsed()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        var time = new FakeTimeProvider();
        await using var client = fixture.CreateClient(o => o.ResetConnectionInterval = TimeSpan.FromSeconds(30), time);
        await client.AppendAsync(FlumeEvent.FromText("1"));
        await client.AppendAsync(FlumeEvent.FromText("2"));
        Assert.Equal(1, CountOpened(fixture));

        time.Advance(TimeSpan.FromSeconds(31));
        await client.AppendAsync(FlumeEvent.FromText("3"));
        Assert.Equal(2, CountOpened(fixture));
        Assert.Equal(3, fixture.Receiver.Events.Count);
    }

    [Fact]
    public async Task Concurrent_callers_are_served_one_request_at_a_time()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        await using var client = fixture.CreateClient(o => o.BatchSize = 3);
        var calls = Enumerable.Range(0, 20).Select(i => client.AppendBatchAsync([FlumeEvent.FromText($"{i}a"), FlumeEvent.FromText($"{i}b")]).AsTask());
        await Task.WhenAll(calls);
        Assert.Equal(40, fixture.Receiver.Events.Count);
        Assert.Equal(1, CountOpened(fixture));
    }

    [Fact]
    public async Task Disposed_client_is_inactive_and_refuses_calls()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        var client = fixture.CreateClient();
        await client.AppendAsync(FlumeEvent.FromText("x"));
        await client.DisposeAsync();
        Assert.False(client.IsActive);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.AppendAsync(FlumeEvent.FromText("y")));
    }

    [Fact]
    public void Shipped_avpr_file_hashes_to_what_flume_presents()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Idl", "AvroSourceProtocol.avpr");
#pragma warning disable CA5351 // The Avro handshake hash is MD5.
        Assert.Equal(AvroBytes.FlumeHash, System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(path)));
#pragma warning restore CA5351
    }

    private static int CountOpened(AvroServerFixture fixture) =>
        fixture.Logs.Entries.Count(e => e.Message.Contains("opened", StringComparison.Ordinal));

}
