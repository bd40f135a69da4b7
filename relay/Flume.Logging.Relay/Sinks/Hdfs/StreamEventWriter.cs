using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Sinks.Serialization;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// Flume's DataStream and CompressedStream writers: the serializer writes into the file, or into the codec's
/// whole-file stream over it. Each sync flushes the serializer and, compressed, finishes the codec's current unit
/// (Flume's <c>finish()</c>: the next event starts a new one), so the flushed file always decodes to the end.
/// </summary>
internal sealed class StreamEventWriter : IHdfsEventWriter
{
    private readonly Stream _file;
    private readonly HadoopCompressionStream? _compressed;
    private readonly IEventSerializer _serializer;

    public StreamEventWriter(Stream file, HadoopCodec? codec, EventSerializerFactory serializer)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(serializer);
        _file = file;
        _compressed = codec?.CreateOutput(file);
        _serializer = serializer.Create(_compressed ?? file);
        _serializer.AfterCreate();
    }

    public void Append(FlumeEvent flumeEvent) => _serializer.Write(flumeEvent);

    public void Sync()
    {
        _serializer.Flush();
        _compressed?.Finish();
        _file.Flush();
    }

    public void Close()
    {
        _serializer.Flush();
        _serializer.BeforeClose();
        (_serializer as IDisposable)?.Dispose();
        _compressed?.Dispose();
        _file.Flush();
    }
}
