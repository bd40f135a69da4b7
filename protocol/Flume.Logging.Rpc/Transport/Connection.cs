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

    public Connection(Socket socket, Stream stream, EndPoint? remoteEndPoint)
    {
        _socket = socket;
        _stream = stream;
        Peer = remoteEndPoint?.ToString() ?? "unknown peer";
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>The remote address, for log lines and errors.</summary>
    public string Peer { get; }

    public PipeReader Input { get; }

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
