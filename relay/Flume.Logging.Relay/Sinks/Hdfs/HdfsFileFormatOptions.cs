using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Serialization;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>The format of the HDFS sink's files, read with Flume's keys, defaults and checks.</summary>
internal sealed record HdfsFileFormatOptions
{
    /// <summary>What the files hold (<c>hdfs.fileType</c>): SequenceFile (the default), DataStream or CompressedStream.</summary>
    public HdfsFileType FileType { get; init; } = HdfsFileType.SequenceFile;

    /// <summary>
    /// The codec (<c>hdfs.codeC</c>); none by default. Required by CompressedStream, refused with DataStream (as
    /// Flume does), and BLOCK compression of SequenceFiles when set.
    /// </summary>
    public HadoopCodec? Codec { get; init; }

    /// <summary>The SequenceFile value class (<c>hdfs.writeFormat</c>): Writable (the default) or Text.</summary>
    public HdfsWriteFormat WriteFormat { get; init; } = HdfsWriteFormat.Writable;

    /// <summary>The serializer of DataStream and CompressedStream files (<c>serializer</c>, <c>serializer.*</c>): text by default.</summary>
    public EventSerializerFactory Serializer { get; init; } = EventSerializerFactory.Text;

    /// <summary>The extension file names end with when <c>hdfs.fileSuffix</c> is empty: the codec's, if any.</summary>
    public string CodecExtension => Codec?.Extension ?? "";

    /// <summary>Reads the options; every error names the full key.</summary>
    public static HdfsFileFormatOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var fileType = properties.GetEnum("hdfs.fileType", HdfsFileType.SequenceFile);
        var codecName = properties.GetString("hdfs.codeC")?.Trim();
        HadoopCodec? codec = null;
        if (!string.IsNullOrEmpty(codecName))
        {
            try
            {
                codec = HadoopCodecs.Resolve(codecName);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw properties.CreateError("hdfs.codeC", e is ArgumentException argument ? ArgumentErrors.Reason(argument) : e.Message);
            }

            properties.Require(
                fileType != HdfsFileType.DataStream,
                "hdfs.codeC",
                "is set, but hdfs.fileType DataStream does not compress; remove hdfs.codeC or use CompressedStream");
        }

        properties.Require(
            fileType != HdfsFileType.CompressedStream || codec is not null,
            "hdfs.codeC",
            "is required when hdfs.fileType is CompressedStream");

        return new HdfsFileFormatOptions
        {
            FileType = fileType,
            Codec = codec,
            WriteFormat = properties.GetEnum("hdfs.writeFormat", HdfsWriteFormat.Writable),
            Serializer = EventSerializerFactory.From(properties, "serializer"),
        };
    }
}
