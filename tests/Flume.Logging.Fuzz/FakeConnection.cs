using System.Net;
using System.Net.Sockets;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Fuzz;

/// <summary>
/// A server-side <see cref="Connection"/> whose peer sends the fuzz input in reads of a chosen size, then closes;
/// what the handler answers is discarded. The socket is never connected: handlers use it only to abort.
/// </summary>
internal static class FakeConnection
{
    private static readonly IPEndPoint Peer = new(IPAddress.Loopback, 9);

    public static Connection Create(ReadOnlyMemory<byte> data, int readLength) =>
        new(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new InputStream(data, readLength), Peer, TimeProvider.System);

    private sealed class InputStream(ReadOnlyMemory<byte> data, int readLength) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var length = Math.Min(buffer.Length, data.Length - _position);
            if (readLength > 0)
            {
                length = Math.Min(length, readLength);
            }

            data.Span.Slice(_position, length).CopyTo(buffer);
            _position += length;
            return length;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Write(byte[] buffer, int offset, int count)
        {
            // The handler's answers go nowhere: only how it reads is under test.
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
