using System.Net.Sockets;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// The write side of a connection served on its own thread (<see cref="Connection.RunOnOwnThread"/>): writes are
/// synchronous sends, so an answer goes out on the thread that made it, with no hand-off to the socket engine. A send
/// blocks only while the peer's window is full, and closing the socket (a stop, a timeout) ends it.
/// </summary>
internal sealed class SocketSendStream(Socket socket) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

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
            // As an asynchronous write would report it: in the task, wrapped as NetworkStream wraps it.
            return ValueTask.FromException(e is SocketException ? new IOException(e.Message, e) : e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
