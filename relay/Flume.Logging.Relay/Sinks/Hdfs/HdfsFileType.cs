using System.ComponentModel;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>What the HDFS sink's files hold (<c>hdfs.fileType</c>).</summary>
internal enum HdfsFileType
{
    /// <summary>A Hadoop SequenceFile of timestamp keys and body values (Flume's default).</summary>
    [Description("SequenceFile")]
    SequenceFile,

    /// <summary>The serializer's output as is.</summary>
    [Description("DataStream")]
    DataStream,

    /// <summary>The serializer's output through <c>hdfs.codeC</c>'s whole-file stream.</summary>
    [Description("CompressedStream")]
    CompressedStream,
}
