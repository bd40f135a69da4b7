namespace Flume.Logging.Hdfs.Formats;

/// <summary>A read-only, forward-only stream that decodes a Hadoop codec's whole-file stream from its source.</summary>
internal abstract class DecodingStream : ForwardOnlyStream
{
    protected DecodingStream(Stream source)
        : base(source)
    {
    }

    public override bool CanRead => true;

    public override bool CanWrite => false;

    /// <summary>The encoded bytes.</summary>
    protected Stream Source => Inner;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public abstract override int Read(Span<byte> buffer);

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Fills <paramref name="buffer"/> from the source; false when the source ends first (after <c>read</c> bytes).</summary>
    protected bool TryReadExactly(Span<byte> buffer, out int read)
    {
        read = 0;
        while (read < buffer.Length)
        {
            var n = Source.Read(buffer[read..]);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
