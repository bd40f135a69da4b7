using System.Net.Sockets;
using System.Security.Authentication;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Rpc.Transport;

/// <summary>Opens client connections with a connect timeout and the same stream wrapping as the servers.</summary>
internal static class TcpConnector
{
    /// <summary>
    /// Connects to <paramref name="host"/>. Throws <see cref="EventDeliveryException"/> naming the host when the
    /// connection is refused, cannot be resolved, takes longer than <paramref name="timeout"/>, or, with
    /// <paramref name="tls"/>, when the TLS handshake (within the same timeout) fails. A <paramref name="blocking"/>
    /// connection's socket is used with blocking calls only (<see cref="RpcClientOptions.BlockingIo"/>).
    /// </summary>
    public static async Task<Connection> ConnectAsync(
        RpcHost host, TimeSpan timeout, StreamWrapper? wrapStream, TlsAuthenticator? tls, bool blocking, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

        // A blocking call sees no token: the deadline (or the caller) ends it by closing the socket under it.
        using var closeAtDeadline = blocking ? deadline.Token.UnsafeRegister(static socket => ((Socket)socket!).Dispose(), socket) : default;
        try
        {
            if (blocking)
            {
                socket.Connect(host.Host, host.Port);
            }
            else
            {
                await socket.ConnectAsync(host.Host, host.Port, deadline.Token);
            }
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new EventDeliveryException($"connect to {host.Host}:{host.Port} timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            // A blocking connect's message ends with the address it tried ("Connection refused [::ffff:127.0.0.1]:41501");
            // the reason alone reads as the asynchronous one does, after the host as it was configured.
            socket.Dispose();
            var reason = blocking ? new SocketException((int)e.SocketErrorCode).Message : e.Message;
            throw new EventDeliveryException($"cannot connect to {host.Host}:{host.Port}: {reason}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = blocking ? new BlockingSocketStream(socket) : new NetworkStream(socket, ownsSocket: false);
        if (tls is not null)
        {
            stream = await HandshakeAsync(socket, stream, host, tls, timeout, deadline.Token, cancellationToken);
        }

        if (wrapStream is not null)
        {
            stream = wrapStream(stream);
        }

        return new Connection(socket, stream, socket.RemoteEndPoint, TimeProvider.System);
    }

    private static async Task<Stream> HandshakeAsync(
        Socket socket, Stream network, RpcHost host, TlsAuthenticator tls, TimeSpan timeout, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await tls.AuthenticateAsClientAsync(network, host.Host, deadline);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException or AuthenticationException)
        {
            // Blocking, the deadline shows as the socket closed under the handshake rather than as a cancellation.
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new EventDeliveryException($"TLS handshake with {host.Host}:{host.Port} timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (AuthenticationException e)
        {
            socket.Dispose();
            throw new EventDeliveryException($"TLS handshake with {host.Host}:{host.Port} failed: {e.Message}", e);
        }
        catch (IOException e)
        {
            // A plain-text server reads the ClientHello as a malformed request and hangs up: say so.
            socket.Dispose();
            throw new EventDeliveryException(
                $"TLS handshake with {host.Host}:{host.Port} failed: {e.Message} (TLS mismatch? the server closed the connection; is it a plain-text port?)", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
