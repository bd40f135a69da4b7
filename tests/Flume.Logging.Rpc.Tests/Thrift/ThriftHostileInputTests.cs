using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Tests.Thrift;

/// <summary>Raw sockets sending what no Thrift client would: the server closes that connection only, with a warning naming the peer.</summary>
public sealed class ThriftHostileInputTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly CapturingLoggerFactory _logs = new();
    private readonly RecordingReceiver _receiver = new();
    private IRpcServer? _server;

    private int Port => _server!.LocalEndPoint.Port;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Closes_a_connection_that_sends_garbage_in_a_frame(ThriftProtocolKind protocol)
    {
        await StartServerAsync(protocol);
        using var socket = await ConnectAsync();

        await socket.SendAsync(Frame(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n")));

        await AssertClosedWithWarningAsync(socket, null);
        await AssertServerStillServesAsync(protocol);
    }

    [Fact]
    public async Task Closes_a_connection_announcing_a_frame_over_the_cap_without_waiting_for_it()
    {
        await StartServerAsync(ThriftProtocolKind.Compact, maxFrameLength: 4096);
        using var socket = await ConnectAsync();

        await socket.SendAsync(new byte[] { 0x7f, 0xff, 0xff, 0xff });

        await AssertClosedWithWarningAsync(socket, "frame length is over the maximum frame length: 2147483647");
        await AssertServerStillServesAsync(ThriftProtocolKind.Compact);
    }

    [Fact]
    public async Task Names_HTTP_when_an_HTTP_client_is_pointed_at_the_port()
    {
        await StartServerAsync(ThriftProtocolKind.Compact);
        using var socket = await ConnectAsync();

        await socket.SendAsync(Encoding.ASCII.GetBytes("POST /events HTTP/1.1\r\nContent-Length: 2\r\n\r\n[]"));

        await AssertClosedWithWarningAsync(
            socket, "frame length is over the maximum frame length: 1347375956 (at byte 0); the bytes are an HTTP request (POST /events): this port speaks Flume's Thrift RPC (framed transport), not HTTP");
        await AssertServerStillServesAsync(ThriftProtocolKind.Compact);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Binary, ThriftProtocolKind.Compact, "in Thrift's compact protocol while this source expects binary")]
    [InlineData(ThriftProtocolKind.Compact, ThriftProtocolKind.Binary, "in Thrift's binary protocol while this source expects compact")]
    public async Task Names_the_protocol_mismatch_when_a_client_speaks_the_other_thrift_protocol(
        ThriftProtocolKind source, ThriftProtocolKind client, string expected)
    {
        await StartServerAsync(source);
        var options = new RpcClientOptions { ThriftProtocol = client, RequestTimeout = Bound };
        await using (var mismatched = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", Port), options, _logs))
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await mismatched.AppendAsync(ThriftTestEvents.Make(1)));
        }

        await Eventually.TrueAsync(() => _logs.Contains(expected, LogLevel.Warning), "the mismatch named", Bound);
        await AssertServerStillServesAsync(source);
    }

    [Fact]
    public async Task Names_Avro_when_an_avro_client_is_pointed_at_the_port()
    {
        await StartServerAsync(ThriftProtocolKind.Compact);
        using var socket = await ConnectAsync();

        // A NettyTransceiver frame: serial 0 (read as an empty Thrift frame), 2 buffers, the first of 40 bytes.
        await socket.SendAsync(new byte[] { 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 40, 0x12, 0x34 });

        await AssertClosedWithWarningAsync(
            socket, "frame is empty (at byte 0); the bytes are an Avro RPC request (NettyTransceiver frames): this port speaks Flume's Thrift RPC (framed transport)");
        await AssertServerStillServesAsync(ThriftProtocolKind.Compact);
    }

    [Fact]
    public async Task Closes_a_connection_announcing_a_negative_frame_length()
    {
        await StartServerAsync(ThriftProtocolKind.Binary);
        using var socket = await ConnectAsync();

        await socket.SendAsync(new byte[] { 0x80, 0x01, 0x00, 0x01 });

        await AssertClosedWithWarningAsync(socket, "frame length is negative");
        await AssertServerStillServesAsync(ThriftProtocolKind.Binary);
    }

    [Fact]
    public async Task Warns_when_the_peer_closes_inside_a_frame()
    {
        await StartServerAsync(ThriftProtocolKind.Compact);
        var socket = await ConnectAsync();
        var peer = socket.LocalEndPoint!.ToString()!;

        await socket.SendAsync(new byte[] { 0, 0, 0, 100, 0x82, 0x21 });
        socket.Shutdown(SocketShutdown.Send);

        await Eventually.TrueAsync(() => _logs.Contains($"closing connection from {peer}: connection closed inside a frame", LogLevel.Warning), "the warning", Bound);
        socket.Dispose();
        await AssertServerStillServesAsync(ThriftProtocolKind.Compact);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Closes_a_connection_whose_batch_is_over_the_batch_cap(ThriftProtocolKind protocol)
    {
        await StartServerAsync(protocol, maxBatchSize: 10);
        var options = new RpcClientOptions { ThriftProtocol = protocol, BatchSize = 11, RequestTimeout = Bound };
        await using var client = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", Port), options, _logs);

        await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendBatchAsync(Enumerable.Range(0, 11).Select(ThriftTestEvents.Make).ToList()).AsTask());

        Assert.True(_logs.Contains("more events than the maximum batch size: 11", LogLevel.Warning), _logs.Dump());
        Assert.Empty(_receiver.Events);
        await AssertServerStillServesAsync(protocol);
    }

    [Fact]
    public async Task Closes_a_connection_whose_list_count_exceeds_the_frame()
    {
        await StartServerAsync(ThriftProtocolKind.Binary);
        using var socket = await ConnectAsync();

        // appendBatch_args { 1: list<struct> of 1,000,000 elements } in a frame of a few bytes.
        var message = new List<byte>();
        message.AddRange(BinaryMessageHeader("appendBatch", 1, 1));
        message.AddRange(new byte[] { 15, 0, 1, 12, 0x00, 0x0f, 0x42, 0x40, 0 });
        await socket.SendAsync(Frame([.. message]));

        await AssertClosedWithWarningAsync(socket, "list size is larger than the bytes left in the frame");
        await AssertServerStillServesAsync(ThriftProtocolKind.Binary);
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Answers_an_unknown_method_with_UNKNOWN_METHOD_and_keeps_the_connection(ThriftProtocolKind protocol)
    {
        await StartServerAsync(protocol);
        using var socket = await ConnectAsync();

        for (var seqId = 7; seqId <= 8; seqId++)
        {
            var call = protocol == ThriftProtocolKind.Compact
                ? [0x82, 0x21, (byte)seqId, 5, .. "bogus"u8, 0x00]
                : (byte[])[.. BinaryMessageHeader("bogus", 1, seqId), 0x00];
            await socket.SendAsync(Frame(call));

            var reply = await ReceiveFrameAsync(socket);

            // EXCEPTION message for "bogus" with the same seqid, then {1: "Unknown function bogus", 2: 1}.
            byte[] header = protocol == ThriftProtocolKind.Compact
                ? [0x82, 0x61, (byte)seqId, 5, .. "bogus"u8]
                : BinaryMessageHeader("bogus", 3, seqId);
            byte[] text = [.. "Unknown function bogus"u8];
            byte[] body = protocol == ThriftProtocolKind.Compact
                ? [0x18, (byte)text.Length, .. text, 0x15, 0x02, 0x00]
                : [11, 0, 1, 0, 0, 0, (byte)text.Length, .. text, 8, 0, 2, 0, 0, 0, 1, 0];
            Assert.Equal([.. header, .. body], reply);
        }

        Assert.True(_logs.Contains("unknown method", LogLevel.Warning), _logs.Dump());
    }

    private static byte[] BinaryMessageHeader(string name, byte type, int seqId)
    {
        var bytes = new byte[4 + 4 + name.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x80010000u | type);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), name.Length);
        Encoding.ASCII.GetBytes(name, bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8 + name.Length), seqId);
        return bytes;
    }

    private static byte[] Frame(byte[] message)
    {
        var frame = new byte[4 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, message.Length);
        message.CopyTo(frame, 4);
        return frame;
    }

    private static async Task<byte[]> ReceiveFrameAsync(Socket socket)
    {
        var prefix = await ReceiveExactlyAsync(socket, 4);
        return await ReceiveExactlyAsync(socket, BinaryPrimitives.ReadInt32BigEndian(prefix));
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), timeout.Token);
            Assert.True(n > 0, "the server closed the connection instead of answering");
            read += n;
        }

        return buffer;
    }

    private async Task StartServerAsync(ThriftProtocolKind protocol, int maxFrameLength = 1024 * 1024, int maxBatchSize = 1000)
    {
        var options = new RpcServerOptions
        {
            Bind = "127.0.0.1",
            ThriftProtocol = protocol,
            Limits = new RpcLimits { MaxFrameLength = maxFrameLength, MaxBatchSize = maxBatchSize },
        };
        _server = ThriftRpc.CreateServer("thrift source hostile", options, _receiver, _logs);
        await _server.StartAsync(CancellationToken.None);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return socket;
    }

    private async Task AssertClosedWithWarningAsync(Socket socket, string? reason)
    {
        var peer = socket.LocalEndPoint!.ToString()!;
        using var timeout = new CancellationTokenSource(Bound);
        var buffer = new byte[256];
        int read;
        try
        {
            read = await socket.ReceiveAsync(buffer, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }

        Assert.Equal(0, read);
        var expected = $"closing connection from {peer}: {reason}";
        await Eventually.TrueAsync(() => _logs.Contains(expected, LogLevel.Warning), $"a warning '{expected}'", Bound);
    }

    private async Task AssertServerStillServesAsync(ThriftProtocolKind protocol)
    {
        var options = new RpcClientOptions { ThriftProtocol = protocol, RequestTimeout = Bound };
        await using var client = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", Port), options, _logs);
        var before = _receiver.Events.Count;
        await client.AppendAsync(ThriftTestEvents.Make(1));
        Assert.Equal(before + 1, _receiver.Events.Count);
    }
}
