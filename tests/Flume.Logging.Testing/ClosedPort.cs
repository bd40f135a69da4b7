using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Testing;

/// <summary>
/// A port on 127.0.0.1 where nothing listens, for tests of a dead peer: the socket is bound (so no other test or
/// process can take the port while this is held) but never listens, so every connection is refused at once.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket;

    /// <summary>Binds port 0 on 127.0.0.1 without listening.</summary>
    public ClosedPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The refused port.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as an appender's <c>Hosts</c> entry.</summary>
    public string HostAndPort => $"127.0.0.1:{Port}";

    public void Dispose() => _socket.Dispose();
}
