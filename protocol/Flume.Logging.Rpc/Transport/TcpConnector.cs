using System.Net.Sockets;

namespace Flume.Logging.Rpc.Transport;

/// <summary>Opens client connections with a connect timeout and the same stream wrapping as the servers.</summary>
internal static class TcpConnector
{
    /// <summary>
    /// Connects to <paramref name="host"/>. Throws <see cref="EventDeliveryException"/> naming the host when the
    /// connection is refused, cannot be resolved, or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task<Connection> ConnectAsync(RpcHost host, TimeSpan timeout, StreamWrapper? wrapStream, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host.Host, host.Port, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new EventDeliveryException($"connect to {host.Host}:{host.Port} timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new EventDeliveryException($"cannot connect to {host.Host}:{host.Port}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (wrapStream is not null)
        {
            stream = wrapStream(stream);
        }

        return new Connection(socket, stream, socket.RemoteEndPoint, TimeProvider.System);
    }
}
