using System.Globalization;
using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// Flume's SequenceFile writer: one record per event, keyed by its <c>timestamp</c> header (the clock's time when it
/// has none, as Flume does) with the body as a BytesWritable (<c>Writable</c>) or Text value; BLOCK-compressed with
/// the codec when there is one, as Flume always does, uncompressed otherwise.
/// </summary>
internal sealed class SequenceFileEventWriter : IHdfsEventWriter, IDisposable
{
    private readonly SequenceFileWriter _writer;
    private readonly TimeProvider _clock;

    public SequenceFileEventWriter(Stream file, HdfsWriteFormat format, HadoopCodec? codec, TimeProvider clock)
    {
        _clock = clock;
        _writer = new SequenceFileWriter(
            file,
            format == HdfsWriteFormat.Text ? SequenceFileValueType.Text : SequenceFileValueType.BytesWritable,
            codec is null ? SequenceFileCompression.None : SequenceFileCompression.Block,
            codec);
    }

    /// <exception cref="BucketTimestampException">The event's timestamp header is not a number: no key can be made for it.</exception>
    public void Append(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        _writer.Append(Key(flumeEvent), flumeEvent.Body.Span);
    }

    public void Sync() => _writer.Hflush();

    public void Close() => Dispose();

    /// <summary>Writes any buffered block; the stream stays open.</summary>
    public void Dispose() => _writer.Dispose();

    private long Key(FlumeEvent flumeEvent)
    {
        if (flumeEvent.HeaderCount == 0 || !flumeEvent.Headers.TryGetValue("timestamp", out var header))
        {
            return _clock.GetUtcNow().ToUnixTimeMilliseconds();
        }

        // Flume would throw here on every retry of the batch; a distinct error lets the sink set the event aside.
        return long.TryParse(header, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)
            ? key
            : throw new BucketTimestampException($"The event's 'timestamp' header '{header}' is not a number of milliseconds, which a SequenceFile key needs.");
    }
}
