namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>Opens the writer of a file's format, as Flume's <c>HDFSWriterFactory</c> picks one by <c>hdfs.fileType</c>.</summary>
internal static class HdfsEventWriters
{
    /// <summary>A writer of <paramref name="options"/>' format over a new, empty <paramref name="file"/>; headers are written now.</summary>
    public static IHdfsEventWriter Open(Stream file, HdfsFileFormatOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FileType switch
        {
            HdfsFileType.SequenceFile => new SequenceFileEventWriter(file, options.WriteFormat, options.Codec, clock),
            HdfsFileType.CompressedStream => new StreamEventWriter(file, options.Codec, options.Serializer),
            _ => new StreamEventWriter(file, codec: null, options.Serializer),
        };
    }
}
