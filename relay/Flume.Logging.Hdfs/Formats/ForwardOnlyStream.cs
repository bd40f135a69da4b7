namespace Flume.Logging.Hdfs.Formats;

/// <summary>The shared shape of the codec streams: over another stream, one direction, no seeking, no length.</summary>
internal abstract class ForwardOnlyStream : Stream
{
    protected ForwardOnlyStream(Stream inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The stream the encoded bytes are read from or written to.</summary>
    protected Stream Inner { get; }
}
