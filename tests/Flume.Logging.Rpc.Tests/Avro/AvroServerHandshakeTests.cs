using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flume.Logging.Rpc.Tests.Avro;

public class AvroServerHandshakeTests
{
    [Fact]
    public async Task Unknown_client_hash_without_protocol_gets_none_then_both_after_resend()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Port));
        var otherHash = Enumerable.Repeat((byte)7, 16).ToArray();
        await socket.SendAsync(AvroBytes.Frame([.. AvroBytes.Handshake(otherHash, null), .. AvroBytes.Call("append", AvroBytes.Event("x"))]));
        var none = await RawPeer.ReadFrameAsync(socket);

        // NONE (index 2 -> 0x04), then our protocol text and hash, null meta, and no call response.
        Assert.Equal(0x04, none[0]);
        Assert.Equal(0x02, none[1]);
        Assert.Contains("\"protocol\":\"AvroSourceProtocol\"", Encoding.UTF8.GetString(none), StringComparison.Ordinal);
        Assert.Equal(0x02, none[^18]);
        Assert.Equal(AvroBytes.FlumeHash, none[^17..^1]);
        Assert.Equal(0x00, none[^1]);
        Assert.Empty(fixture.Receiver.Events);

        var protocol = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Idl", "AvroSourceProtocol.avpr")));
        await socket.SendAsync(AvroBytes.Frame([.. AvroBytes.Handshake(otherHash, protocol), .. AvroBytes.Call("append", AvroBytes.Event("x"))]));
        var both = await RawPeer.ReadFrameAsync(socket);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0 }, both);

        // Later requests on the connection carry no handshake.
        await socket.SendAsync(AvroBytes.Frame(AvroBytes.Call("append", AvroBytes.Event("y"))));
        Assert.Equal(new byte[] { 0, 0, 0 }, await RawPeer.ReadFrameAsync(socket));
        Assert.Equal(2, fixture.Receiver.Events.Count);
    }

    [Fact]
    public async Task Known_client_with_a_stale_server_hash_gets_client_with_our_protocol_and_the_call_response()
    {
        await using var fixture = await AvroServerFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, fixture.Port));
        byte[] handshake = [.. AvroBytes.FlumeHash, 0x00, .. new byte[16], 0x00];
        await socket.SendAsync(AvroBytes.Frame([.. handshake, .. AvroBytes.Call("append", AvroBytes.Event("x"))]));
        var response = await RawPeer.ReadFrameAsync(socket);

        // CLIENT (index 1 -> 0x02), our protocol, our hash, null meta, then meta, no error, Status OK.
        Assert.Equal(0x02, response[0]);
        Assert.Equal(0x02, response[1]);
        Assert.Contains("\"protocol\":\"AvroSourceProtocol\"", Encoding.UTF8.GetString(response), StringComparison.Ordinal);
        Assert.Equal(0x02, response[^21]);
        Assert.Equal(AvroBytes.FlumeHash, response[^20..^4]);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x00 }, response[^4..]);
        Assert.Single(fixture.Receiver.Events);
    }
}
