using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Protocol;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Tests.Avro;

public class AvroServerHostileInputTests
{
    public static TheoryData<string, byte[], string> HostileInputs() => new()
    {
        { "garbage", [0xDE, 0xAD, 0xBE, 0xEF, 0xFF, 0xFF, 0xFF, 0xF0, 0x13, 0x37], "buffer count" },
        { "netcat text line", Encoding.ASCII.GetBytes("hello flume, are you there?\n"), "buffer count" },
        { "oversized count", AvroBytes.Header(1, 1_000_000), "buffer count 1000000" },
        { "oversized length", [.. AvroBytes.Header(1, 1), 0x7F, 0xFF, 0xFF, 0xFF], "longer than the" },
        { "truncated frame", [.. AvroBytes.Header(1, 1), 0, 0, 0, 100, 1, 2, 3], "closed inside a frame" },
        { "unknown message", AvroBytes.Frame(UnknownMessage()), "unknown message 'delete'" },
        { "handshake garbage", AvroBytes.Frame([1, 2, 3]), "handshake" },
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task Closes_the_connection_logs_the_peer_and_keeps_serving_others(string what, byte[] input, string reason)
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        await using var goodClient = fixture.CreateClient();
        await goodClient.AppendAsync(FlumeEvent.FromText("before"));

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Port));
        var peer = socket.LocalEndPoint!.ToString()!;
        await socket.SendAsync(input);
        if (what == "truncated frame")
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        await ReadUntilClosedAsync(socket);
        await Flume.Logging.Testing.Eventually.TrueAsync(
            () => fixture.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains(peer, StringComparison.Ordinal) && e.Message.Contains(reason, StringComparison.Ordinal)),
            $"a warning naming {peer} and '{reason}'",
            TimeSpan.FromSeconds(10));

        await goodClient.AppendAsync(FlumeEvent.FromText("after"));
        Assert.Equal(["before", "after"], fixture.Receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public async Task Unknown_message_gets_an_avro_system_error_before_the_close()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Port));
        await socket.SendAsync(AvroBytes.Frame(UnknownMessage()));

        var response = await ReadUntilClosedAsync(socket);

        // Frame header (serial 1, one buffer), handshake BOTH with null protocol, hash and meta, then
        // call response: empty meta, error flag true, union branch 0 (string), the message.
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1 }, response.AsSpan(0, 8).ToArray());
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1, 0 }, response.AsSpan(12, 7).ToArray());
        Assert.Contains("unknown message 'delete'", Encoding.UTF8.GetString(response.AsSpan(19)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incompatible_client_protocol_gets_an_error_and_the_close()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Port));
        const string otherProtocol = """
            {"protocol":"AvroSourceProtocol","messages":{
             "append":{"request":[{"name":"event","type":{"type":"record","name":"AvroFlumeEvent","fields":[{"name":"headers","type":{"type":"map","values":"long"}},{"name":"body","type":"bytes"}]}}],"response":{"type":"enum","name":"Status","symbols":["OK","FAILED","UNKNOWN"]}},
             "appendBatch":{"request":[{"name":"events","type":{"type":"array","items":"AvroFlumeEvent"}}],"response":"Status"}}}
            """;
        byte[] message = [.. AvroBytes.Handshake(new byte[16], otherProtocol), .. AvroBytes.Call("append", AvroBytes.Event("x"))];
        await socket.SendAsync(AvroBytes.Frame(message));

        var response = await ReadUntilClosedAsync(socket);
        Assert.Contains("incompatible client protocol", Encoding.UTF8.GetString(response), StringComparison.Ordinal);
        Assert.Empty(fixture.Receiver.Events);
    }

    [Fact]
    public async Task Unknown_client_hash_without_protocol_gets_none_then_both_after_resend()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Port));
        var otherHash = Enumerable.Repeat((byte)7, 16).ToArray();
        await socket.SendAsync(AvroBytes.Frame([.. AvroBytes.Handshake(otherHash, null), .. AvroBytes.Call("append", AvroBytes.Event("x"))]));
        var none = await ReadFrameAsync(socket);

        // NONE (index 2 -> 0x04), then our protocol text and hash, null meta, and no call response.
        Assert.Equal(0x04, none[0]);
        Assert.Equal(0x02, none[1]);
        Assert.Equal(AvroBytes.FlumeHash, none.AsSpan(none.Length - 17, 16).ToArray());
        Assert.Equal(0x00, none[^1]);
        Assert.Empty(fixture.Receiver.Events);

        Assert.Equal(0x02, none[^18]);
        Assert.Contains("\"protocol\":\"AvroSourceProtocol\"", Encoding.UTF8.GetString(none), StringComparison.Ordinal);

        var protocol = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Idl", "AvroSourceProtocol.avpr")));
        await socket.SendAsync(AvroBytes.Frame([.. AvroBytes.Handshake(otherHash, protocol), .. AvroBytes.Call("append", AvroBytes.Event("x"))]));
        var both = await ReadFrameAsync(socket);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0 }, both);

        // Later requests on the connection carry no handshake.
        await socket.SendAsync(AvroBytes.Frame(AvroBytes.Call("append", AvroBytes.Event("y"))));
        Assert.Equal(new byte[] { 0, 0, 0 }, await ReadFrameAsync(socket));
        Assert.Equal(2, fixture.Receiver.Events.Count);
    }

    private static byte[] UnknownMessage() =>
        [.. AvroBytes.Handshake(AvroBytes.FlumeHash, null), .. AvroBytes.Call("delete", [])];

    private static async Task<byte[]> ReadFrameAsync(Socket socket)
    {
        var header = await ReadExactlyAsync(socket, 12);
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        return await ReadExactlyAsync(socket, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8)));
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int length)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "server closed the connection early");
            read += n;
        }

        return buffer;
    }

    // Returns what the server sent before closing; fails if it does not close within the bound.
    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return [.. received];
            }

            if (read == 0)
            {
                return [.. received];
            }

            received.AddRange(buffer.AsSpan(0, read));
        }
    }
}
