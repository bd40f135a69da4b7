using System.Buffers.Binary;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>Broken and hostile peers against a running relay: each is cut off, nobody else notices.</summary>
public sealed class HostileInputTests
{
    private static string AvroToLogger() => $"""
        {RelayConfigs.AvroSource()}
        a1.sources.r1.max-batch-size = 1000
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        a1.sinks.k1.maxBytesToLog = 64
        """;

    private static byte[] NettyFrame(int count, int length)
    {
        var frame = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(frame, 1);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), length);
        return frame;
    }

    private static async Task SendRawAsync(int port, byte[] bytes)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", port);
        var stream = socket.GetStream();
        await stream.WriteAsync(bytes);

        // Half-close: a peer that stops mid-frame and hangs up, as a crashed client does.
        socket.Client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[256];
        try
        {
            // The relay closes the connection (possibly after an error response); wait for that, bounded.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the relay: also a close.
        }
    }

    private static async Task SendEventsAsync(IRpcClient client, string prefix, int count) =>
        await client.AppendBatchAsync(Enumerable.Range(0, count).Select(i => FlumeEvent.FromText($"{prefix}-{i:D3}")).ToList());

    [Fact]
    public async Task Garbage_oversized_and_truncated_frames_are_cut_off_while_acknowledged_events_still_arrive()
    {
        using var relay = await RelayProcess.StartRunningAsync(AvroToLogger());
        var port = await relay.ListeningPortAsync("r1");
        var options = new RpcClientOptions();
        options.Hosts.Add(new RpcHost("relay", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        await SendEventsAsync(client, "before", 20);

        await SendRawAsync(port, "this is not avro at all, just garbage bytes\x01\x02\x03"u8.ToArray());
        await SendRawAsync(port, "Hello world!\n"u8.ToArray());
        await SendRawAsync(port, NettyFrame(count: 1_000_000, length: 16));
        await SendRawAsync(port, NettyFrame(count: 1, length: int.MaxValue));
        await SendRawAsync(port, [.. NettyFrame(count: 1, length: 100), 1, 2, 3]);

        await SendEventsAsync(client, "after", 20);

        await Eventually.TrueAsync(
            () => Enumerable.Range(0, 20).All(i => relay.Process.CountLines($"before-{i:D3}") == 1 && relay.Process.CountLines($"after-{i:D3}") == 1),
            "all 40 acknowledged events logged exactly once");
        Assert.True(relay.Process.CountLines("closing connection from 127.0.0.1:") >= 4, relay.Process.Output);
        Assert.False(relay.Process.HasExited);
        Assert.Equal(0, await relay.StopAsync());
    }
}
