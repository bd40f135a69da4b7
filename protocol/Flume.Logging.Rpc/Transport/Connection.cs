using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// One TCP connection seen as pipes. The stream may be wrapped (zlib) below the pipes; the pipes own the framing.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private int _disposed;

    private readonly WatchedPipeReader _input;
    private int _timedOut;

    public Connection(Socket socket, Stream stream, EndPoint? remoteEndPoint, TimeProvider timeProvider)
    {
        _socket = socket;
        _stream = stream;
        Peer = remoteEndPoint?.ToString() ?? "unknown peer";
        RemoteAddress = (remoteEndPoint as IPEndPoint)?.Address;
        _input = new WatchedPipeReader(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)), timeProvider);
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>The remote address, for log lines and errors.</summary>
    public string Peer { get; }

    /// <summary>The peer's address, when it is an IP endpoint.</summary>
    public IPAddress? RemoteAddress { get; }

    public PipeReader Input => _input;

    /// <summary>Whether the server closed this connection for breaking its <see cref="ConnectionLimits"/>.</summary>
    public bool TimedOut => Volatile.Read(ref _timedOut) != 0;

    /// <summary>Why the connection breaks <paramref name="limits"/> now, or null.</summary>
    public string? CheckLimits(ConnectionLimits limits) => _input.CheckLimits(limits);

    /// <summary>Closes the connection for breaking its limits; its handler's pending read fails.</summary>
    public void TimeOut()
    {
        Volatile.Write(ref _timedOut, 1);
        Abort();
    }

    public PipeWriter Output { get; }

    /// <summary>Closes the socket at once, failing any pending read or write.</summary>
    public void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
            // Already closed by the other side of the race.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Input.CompleteAsync();
            await Output.CompleteAsync();
            await _stream.DisposeAsync();
        }
        catch (IOException)
        {
            // The peer is gone; closing is all that is left to do.
        }
        catch (SocketException)
        {
            // Likewise.
        }
        catch (ObjectDisposedException)
        {
            // Aborted earlier.
        }
        finally
        {
            _socket.Dispose();
        }
    }
}
