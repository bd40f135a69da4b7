using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Testing;

/// <summary>Ports chosen at run time on 127.0.0.1, so parallel test runs never collide on a fixed number.</summary>
public static class FreePort
{
    /// <summary>Binds port 0 on 127.0.0.1, reads the port the kernel chose and releases it.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
