namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// A connection-like stream made of two one-way streams: reads come from <see cref="ReadSide"/>, writes and flushes
/// go to <see cref="WriteSide"/>. Subclasses decide what disposing releases.
/// </summary>
internal abstract class DuplexStream : ConnectionStream
{
    /// <summary>Where reads come from.</summary>
    protected abstract Stream ReadSide { get; }

    /// <summary>Where writes and flushes go.</summary>
    protected abstract Stream WriteSide { get; }

    public override int Read(byte[] buffer, int offset, int count) => ReadSide.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadSide.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadSide.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => WriteSide.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        WriteSide.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteSide.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => WriteSide.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => WriteSide.FlushAsync(cancellationToken);
}
