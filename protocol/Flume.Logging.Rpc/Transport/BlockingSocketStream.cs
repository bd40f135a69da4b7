using System.Net.Sockets;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// A blocking socket as a stream whose asynchronous methods complete synchronously, on the caller's thread: for a
/// thread that is the connection's own (a server's connection thread, whose reads are its own loop; a sink runner's
/// thread, which waits for each answer anyway). A send or a receive then costs no hand-off to .NET's socket engine
/// (its epoll thread, then a pool thread), and the socket, never used asynchronously, stays out of the engine. A call
/// blocks until the peer sends, its window opens, or the socket is closed here (a stop, a timeout), which ends it.
/// </summary>
internal sealed class BlockingSocketStream(Socket socket) : ConnectionStream
{
    public override int Read(Span<byte> buffer) => socket.Receive(buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return ValueTask.FromException<int>(AsStreamError(e));
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // A blocking socket's send takes everything unless interrupted; the loop covers the rest.
        while (!buffer.IsEmpty)
        {
            buffer = buffer[socket.Send(buffer)..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return ValueTask.FromException(AsStreamError(e));
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // As an asynchronous call would report it: in the task, a socket error wrapped as NetworkStream wraps it.
    private static Exception AsStreamError(Exception e) => e is SocketException ? new IOException(e.Message, e) : e;
}
