using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>
/// A loopback listener that accepts every connection and keeps it, so a test can see how many the client opened
/// and how each one ended.
/// </summary>
internal sealed class AcceptingServer : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<Socket> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public AcceptingServer()
    {
        _listener.Start();
        Host = new RpcHost("h1", "127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);
        _accepting = AcceptAsync();
    }

    public RpcHost Host { get; }

    public int Accepted => _accepted.Count;

    /// <summary>Reads the <paramref name="index"/>th accepted connection to its end: "eof" when the client closed it
    /// in order, "reset" when it aborted it.</summary>
    public async Task<string> EndOfAsync(int index)
    {
        var socket = _accepted.ElementAt(index);
        using var bound = new CancellationTokenSource(Bound);
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, bound.Token) > 0)
            {
            }

            return "eof";
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "reset";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(Bound);
        foreach (var socket in _accepted)
        {
            socket.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                _accepted.Enqueue(await _listener.AcceptSocketAsync(_stop.Token));
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
        catch (SocketException)
        {
            // Likewise: the listener was stopped.
        }
    }
}
