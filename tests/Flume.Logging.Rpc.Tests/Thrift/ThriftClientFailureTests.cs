using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Thrift;

/// <summary>Our client against a scripted raw server that answers one request with chosen bytes.</summary>
public sealed class ThriftClientFailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Surfaces_a_TApplicationException_with_its_type_and_message_and_reconnects()
    {
        // Compact EXCEPTION for "append" seqid 1: {1: "Unknown function append", 2: UNKNOWN_METHOD}.
        byte[] text = [.. "Unknown function append"u8];
        byte[] answer = [0x82, 0x61, 1, 6, .. "append"u8, 0x18, (byte)text.Length, .. text, 0x15, 0x02, 0x00];

        var (e, connections) = await SendOneAppendAsync(answer);

        Assert.Contains("TApplicationException UNKNOWN_METHOD: Unknown function append", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task Rejects_an_unreadable_reply_naming_the_host()
    {
        var (e, connections) = await SendOneAppendAsync([0x82, 0x41, 1, 6, .. "append"u8, 0x05]);

        Assert.Contains("unreadable reply", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task Rejects_a_reply_frame_over_the_client_limit_without_reading_it()
    {
        var (e, _) = await SendOneAppendAsync([], announcedLength: 64 * 1024 * 1024);

        Assert.Contains("frame length is over the maximum frame length: 67108864", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs a raw server that answers the first request with <paramref name="answer"/> framed (or only a length
    /// prefix of <paramref name="announcedLength"/>), then checks the client's next call opens a new connection.
    /// </summary>
    private static async Task<(EventDeliveryException Error, int Connections)> SendOneAppendAsync(byte[] answer, int? announcedLength = null)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        using var stop = new CancellationTokenSource(Bound * 2);
        var server = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                connections++;
                var prefix = new byte[4];
                await ReceiveExactlyAsync(socket, prefix, stop.Token);
                await ReceiveExactlyAsync(socket, new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)], stop.Token);
                var reply = new byte[4 + answer.Length];
                BinaryPrimitives.WriteInt32BigEndian(reply, announcedLength ?? answer.Length);
                answer.CopyTo(reply, 4);
                await socket.SendAsync(reply, stop.Token);
                if (connections == 2)
                {
                    return;
                }

                await ReceiveExactlyAsync(socket, new byte[1], stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        var options = new RpcClientOptions { ThriftProtocol = ThriftProtocolKind.Compact, RequestTimeout = Bound, Limits = new RpcLimits { MaxFrameLength = 1024 * 1024 } };
        await using var client = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), options, new CapturingLoggerFactory());
        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(1)).AsTask());
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(ThriftTestEvents.Make(2)).AsTask());
        await server.WaitAsync(Bound);
        return (error, connections);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                throw new IOException("peer closed");
            }

            read += n;
        }
    }
}
