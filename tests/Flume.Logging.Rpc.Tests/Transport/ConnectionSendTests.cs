using System.Net.Sockets;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Rpc.Tests.Transport;

public class ConnectionSendTests
{
    [Fact]
    public async Task SendAsync_writes_the_bytes_in_one_write_and_then_flushes()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var stream = new RecordingStream();
        await using var connection = new Connection(socket, stream, null, TimeProvider.System);

        await connection.SendAsync(new byte[70_000], CancellationToken.None);

        Assert.Equal(["write 70000", "flush"], stream.Calls);
    }

    private sealed class RecordingStream : Stream
    {
        public List<string> Calls { get; } = [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Calls.Add($"write {buffer.Length}");
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Calls.Add("flush");
            return Task.CompletedTask;
        }

        public override void Flush() => Calls.Add("flush");

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Calls.Add($"write {count}");
    }
}
