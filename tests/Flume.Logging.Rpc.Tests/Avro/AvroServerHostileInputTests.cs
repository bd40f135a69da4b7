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
        { "HTTP request", Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n"), "the bytes are an HTTP request (GET /metrics): this port speaks Flume's Avro RPC" },
        { "thrift client", [0, 0, 0, 20, 0x82, 0x21, 0x00, 0x0B, .. "appendBatch"u8], "the bytes are a Thrift request in the compact protocol: this port speaks Flume's Avro RPC" },
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

        await RawPeer.ReadUntilClosedAsync(socket);
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

        var response = await RawPeer.ReadUntilClosedAsync(socket);

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

        var response = await RawPeer.ReadUntilClosedAsync(socket);
        Assert.Contains("incompatible client protocol", Encoding.UTF8.GetString(response), StringComparison.Ordinal);
        Assert.Empty(fixture.Receiver.Events);
    }

    private static byte[] UnknownMessage() =>
        [.. AvroBytes.Handshake(AvroBytes.FlumeHash, null), .. AvroBytes.Call("delete", [])];

}
