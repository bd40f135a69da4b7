using System.Net.Sockets;
using System.Text;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sources;

public sealed class NetcatSourceTests : IAsyncLifetime
{
    private readonly CapturingLoggerFactory _logs = new();
    private MemoryChannel _channel = null!;
    private NetcatSource _source = null!;

    public async Task InitializeAsync() => await StartAsync(capacity: 100, maxLineLength: 512);

    public async Task DisposeAsync()
    {
        await _source.StopAsync(CancellationToken.None);
        await _source.DisposeAsync();
    }

    private async Task StartAsync(
        int capacity, int maxLineLength, int? transactionCapacity = null, bool ackEveryEvent = true, FakeTimeProvider? channelTime = null)
    {
        // With a fake clock the channel waits out its default 3 s keep-alive in that clock's time.
        var keepAlive = channelTime is null ? TimeSpan.Zero : TimeSpan.FromSeconds(3);
        _channel = new MemoryChannel("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = transactionCapacity ?? capacity, KeepAlive = keepAlive },
            (TimeProvider?)channelTime ?? TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([_channel], []), [], NullLogger<ChannelProcessor>.Instance);
        var options = new NetcatSourceOptions { Bind = "127.0.0.1", Port = 0, MaxLineLength = maxLineLength, AckEveryEvent = ackEveryEvent };
        _source = new NetcatSource("r1", options, processor, TimeProvider.System, _logs);
        await _source.StartAsync(CancellationToken.None);
    }

    private async Task<(TcpClient Client, StreamReader Reader, Stream Stream)> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(_source.LocalEndPoint);
        var stream = client.GetStream();
        return (client, new StreamReader(stream, Encoding.ASCII), stream);
    }

    private List<string> Drain()
    {
        var bodies = new List<string>();
        while (true)
        {
            using var tx = _channel.BeginTransaction();
            if (tx.Take() is not { } e)
            {
                return bodies;
            }

            bodies.Add(Encoding.UTF8.GetString(e.Body.Span));
            tx.CommitAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader) =>
        await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Each_line_becomes_an_event_acknowledged_with_OK_after_commit()
    {
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync("Hello world!\r\nsecond\n"u8.ToArray());

            Assert.Equal("OK", await ReadLineAsync(reader));
            Assert.Equal("OK", await ReadLineAsync(reader));
        }

        Assert.Equal(["Hello world!\r", "second"], Drain());
    }

    [Fact]
    public async Task Lines_arriving_together_beyond_the_channels_transactionCapacity_are_each_stored_and_acknowledged_as_in_Flume()
    {
        // Flume commits each netcat line on its own, so its transactionCapacity never limits a burst of lines.
        await _source.StopAsync(CancellationToken.None);
        await _source.DisposeAsync();
        await StartAsync(capacity: 100, maxLineLength: 512, transactionCapacity: 5);
        var lines = Enumerable.Range(1, 20).Select(i => $"line {i}").ToList();

        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
            for (var i = 0; i < lines.Count; i++)
            {
                Assert.Equal("OK", await ReadLineAsync(reader));
            }
        }

        Assert.Equal(lines, Drain());
        Assert.Equal(0, _source.Counter.ChannelWriteFail);
    }

    [Fact]
    public async Task A_line_over_max_line_length_is_refused_and_the_next_line_still_works()
    {
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(new string('x', 5000) + "\nnext\n"));

            Assert.StartsWith("FAILED: Event exceeds the maximum length (512 bytes)", await ReadLineAsync(reader), StringComparison.Ordinal);
            Assert.Equal("OK", await ReadLineAsync(reader));
        }

        Assert.Equal(["next"], Drain());
        Assert.True(_logs.Contains("max-line-length"), _logs.Dump());
    }

    [Fact]
    public async Task Answers_keep_the_order_of_the_lines_when_a_too_long_line_sits_between_good_ones()
    {
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("before\n" + new string('x', 600) + "\nafter\n"));

            Assert.Equal("OK", await ReadLineAsync(reader));
            Assert.StartsWith("FAILED: Event exceeds the maximum length", await ReadLineAsync(reader), StringComparison.Ordinal);
            Assert.Equal("OK", await ReadLineAsync(reader));
        }

        Assert.Equal(["before", "after"], Drain());
    }

    [Fact]
    public async Task Without_ack_every_event_a_stored_line_gets_no_answer_but_a_refused_line_gets_FAILED_as_in_Flume()
    {
        await DisposeAsync();
        await StartAsync(capacity: 1, maxLineLength: 512, ackEveryEvent: false);
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync("one\ntwo\n"u8.ToArray());

            Assert.StartsWith("FAILED", await ReadLineAsync(reader), StringComparison.Ordinal);
        }

        Assert.Equal(["one"], Drain());
    }

    [Fact]
    public async Task When_a_burst_is_split_line_by_line_each_answer_is_sent_as_soon_as_its_line_is_processed()
    {
        // 8 lines over a transactionCapacity of 5 go one by one; the last 3 find the channel full and each waits out
        // the keep-alive. The first 5 answers must not wait for those.
        await DisposeAsync();
        var time = new FakeTimeProvider();
        await StartAsync(capacity: 5, maxLineLength: 512, transactionCapacity: 5, channelTime: time);
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 8).Select(i => $"line {i}\n"))));
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("OK", await ReadLineAsync(reader));
            }

            for (var i = 0; i < 3; i++)
            {
                var answer = reader.ReadLineAsync();
                for (var step = 0; step < 200 && !answer.IsCompleted; step++)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    await Task.WhenAny(answer, Task.Delay(50));
                }

                Assert.StartsWith("FAILED", await answer.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
            }
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"line {i}"), Drain());
        Assert.Equal(3, _source.Counter.ChannelWriteFail);
    }

    [Fact]
    public async Task Stopping_abandons_a_put_waiting_for_room_and_leaves_its_lines_unanswered_for_the_client_to_resend()
    {
        // The channel's keep-alive runs on a clock that never moves, so only the stop can end the wait.
        await DisposeAsync();
        await StartAsync(capacity: 1, maxLineLength: 512, channelTime: new FakeTimeProvider());
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync("one\ntwo\n"u8.ToArray());

            // Two lines over a transactionCapacity of 1 go one by one: the first fits, the second waits for room.
            Assert.Equal("OK", await ReadLineAsync(reader));
            await _source.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Null(await ReadLineAsync(reader));
        }

        Assert.Equal(["one"], Drain());
        Assert.Equal(1, _source.Counter.EventAcceptedCount);
    }

    [Fact]
    public async Task A_full_channel_answers_FAILED_and_stores_nothing_half()
    {
        await DisposeAsync();
        await StartAsync(capacity: 1, maxLineLength: 512);
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            await stream.WriteAsync("one\n"u8.ToArray());
            Assert.Equal("OK", await ReadLineAsync(reader));
            await stream.WriteAsync("two\n"u8.ToArray());
            Assert.StartsWith("FAILED", await ReadLineAsync(reader), StringComparison.Ordinal);
        }

        Assert.Equal(["one"], Drain());
    }

    [Fact]
    public async Task Many_lines_in_one_write_are_all_stored_in_order()
    {
        await DisposeAsync();
        await StartAsync(capacity: 1000, maxLineLength: 512);
        var (client, reader, stream) = await ConnectAsync();
        using (client)
        {
            var lines = Enumerable.Range(0, 250).Select(i => $"line {i}").ToArray();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\n", lines) + "\n"));
            for (var i = 0; i < lines.Length; i++)
            {
                Assert.Equal("OK", await ReadLineAsync(reader));
            }
        }

        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"line {i}"), Drain());
    }

    [Fact]
    public async Task A_second_source_on_a_busy_port_fails_naming_the_port()
    {
        var port = _source.LocalEndPoint.Port;
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([_channel], []), [], NullLogger<ChannelProcessor>.Instance);
        await using var second = new NetcatSource("r2", new NetcatSourceOptions { Bind = "127.0.0.1", Port = port }, processor, TimeProvider.System, _logs);

        var error = await Assert.ThrowsAsync<Flume.Logging.Rpc.RpcServerException>(() => second.StartAsync(CancellationToken.None));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bind_address_that_does_not_resolve_fails_the_start_naming_the_source_and_the_address()
    {
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([_channel], []), [], NullLogger<ChannelProcessor>.Instance);
        await using var source = new NetcatSource("r2", new NetcatSourceOptions { Bind = "not a host", Port = 0 }, processor, TimeProvider.System, _logs);

        var error = await Assert.ThrowsAsync<Flume.Logging.Rpc.RpcServerException>(() => source.StartAsync(CancellationToken.None));
        Assert.StartsWith("netcat source r2 cannot listen on 'not a host': the bind address cannot be resolved", error.Message, StringComparison.Ordinal);
    }
}
