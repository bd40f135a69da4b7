using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Rpc.Tests.Avro;

/// <summary>Our Avro client against a raw-socket server that scripts the handshake.</summary>
public class AvroClientHandshakeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_server_that_answers_NONE_with_its_protocol_gets_the_request_again_with_the_client_protocol_and_its_hash()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var host = new RpcHost("h1", "127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
        var otherHash = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        // A protocol text of a few KB makes the handshake response far larger than a call response.
        var serverProtocol = "{\"protocol\":\"Other\",\"doc\":\"" + new string('x', 4000) + "\"}";
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
            var (serial, first) = await ReadRequestAsync(socket);
            Assert.Equal(0x00, first[16]);
            await socket.SendAsync(AvroBytes.Frame([0x04, 0x02, .. AvroBytes.String(serverProtocol), 0x02, .. otherHash, 0x00], serial));

            var (resentSerial, second) = await ReadRequestAsync(socket);
            Assert.Equal(0x02, second[16]);
            var (length, lengthBytes) = ReadLong(second.AsSpan(17));
            var protocolEnd = 17 + lengthBytes + (int)length;
            Assert.Contains("AvroSourceProtocol", Encoding.UTF8.GetString(second, 17 + lengthBytes, (int)length), StringComparison.Ordinal);
            Assert.Equal(otherHash, second[protocolEnd..(protocolEnd + 16)]);

            // BOTH, then the call's answer: empty meta, no error, OK.
            await socket.SendAsync(AvroBytes.Frame([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], resentSerial));
        });

        var options = new RpcClientOptions { ConnectTimeout = Bound, RequestTimeout = Bound };
        await using (var client = AvroRpc.CreateClient(host, options, NullLoggerFactory.Instance, null))
        {
            await client.AppendBatchAsync([FlumeEvent.FromText("a"), FlumeEvent.FromText("b")]).AsTask().WaitAsync(Bound);
        }

        await server.WaitAsync(Bound);
    }

    // Reads one request frame: the client sends a single buffer, whose length the header states.
    private static async Task<(int Serial, byte[] Message)> ReadRequestAsync(Socket socket)
    {
        var header = await RawPeer.ReadExactlyAsync(socket, 12);
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        var message = await RawPeer.ReadExactlyAsync(socket, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8)));
        return (BinaryPrimitives.ReadInt32BigEndian(header), message);
    }

    private static (long Value, int Length) ReadLong(ReadOnlySpan<byte> bytes)
    {
        ulong raw = 0;
        var i = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[i++];
            raw |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return ((long)(raw >> 1) ^ -(long)(raw & 1), i);
            }
        }
    }
}
