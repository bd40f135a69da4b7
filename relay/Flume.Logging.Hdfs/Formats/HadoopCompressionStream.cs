namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// A write-only stream that compresses into another as one of Hadoop's codecs frames it, with Hadoop's
/// <c>finish()</c>/<c>resetState()</c> cycle: <see cref="Finish"/> ends the current compressed unit (a gzip member, a
/// zlib/bzip2 stream, a zstd frame, a snappy/lz4 block), so everything written so far decodes; the next write starts
/// a new unit, which Hadoop's decoders read on as one stream. Flume's HDFS sink finishes at every batch flush.
/// Disposing finishes; the destination is never closed.
/// </summary>
internal abstract class HadoopCompressionStream : ForwardOnlyStream
{
    private bool _finished;

    protected HadoopCompressionStream(Stream destination)
        : base(destination)
    {
    }

    public override bool CanRead => false;

    public override bool CanWrite => true;

    /// <summary>Where the compressed bytes go.</summary>
    protected Stream Destination => Inner;

    /// <summary>Ends the current unit (writing an empty one when nothing was written since the last), as Hadoop's <c>finish()</c>.</summary>
    public void Finish()
    {
        if (!_finished)
        {
            EndUnit();
            _finished = true;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _finished = false;
        WriteUnit(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Passes the destination's flush on; compressed data still buffered stays until <see cref="Finish"/>, as in Hadoop.</summary>
    public override void Flush() => Destination.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Compresses <paramref name="data"/> into the current unit, starting one if none is open.</summary>
    protected abstract void WriteUnit(ReadOnlySpan<byte> data);

    /// <summary>Completes the current unit, starting and completing an empty one if none is open.</summary>
    protected abstract void EndUnit();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Finish();
        }

        base.Dispose(disposing);
    }
}
