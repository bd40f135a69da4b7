using System.Buffers.Binary;
using System.Net.Sockets;

namespace Flume.Logging.Rpc.Tests.Avro;

/// <summary>Bounded reads for tests that talk to our server through a raw socket.</summary>
internal static class RawPeer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Reads one single-buffer response frame and returns its message.</summary>
    public static async Task<byte[]> ReadFrameAsync(Socket socket)
    {
        var header = await ReadExactlyAsync(socket, 12);
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        return await ReadExactlyAsync(socket, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8)));
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int length)
    {
        using var timeout = new CancellationTokenSource(Timeout);
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

    /// <summary>Returns what the server sent before closing; fails if it does not close within the bound.</summary>
    public static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
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
