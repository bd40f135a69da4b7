using System.ComponentModel;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>The value class of SequenceFile records (<c>hdfs.writeFormat</c>).</summary>
internal enum HdfsWriteFormat
{
    /// <summary>BytesWritable values (Flume's default).</summary>
    [Description("Writable")]
    Writable,

    /// <summary>Text values, which Hive and Impala read.</summary>
    [Description("Text")]
    Text,
}
