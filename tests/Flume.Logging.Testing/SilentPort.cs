using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Testing;

/// <summary>
/// A port on 127.0.0.1 that listens but never accepts, reads or answers, for tests of a peer that hangs: the kernel
/// completes connections into the listen queue, up to its backlog, and nothing ever reads what they send. With the
/// queue full, further connects hang in their SYN retries.
/// </summary>
public sealed class SilentPort : IDisposable
{
    private readonly Socket _listener;

    /// <summary>Binds port 0 on 127.0.0.1 and listens with <paramref name="backlog"/>.</summary>
    public SilentPort(int backlog = 4)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(backlog);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    /// <summary>The silent port.</summary>
    public int Port { get; }

    /// <summary>Accepts and closes the connections the kernel has queued; returns how many there were.</summary>
    public int AcceptQueued()
    {
        var accepted = 0;
        while (_listener.Poll(0, SelectMode.SelectRead))
        {
            _listener.Accept().Dispose();
            accepted++;
        }

        return accepted;
    }

    public void Dispose() => _listener.Dispose();
}
