namespace Flume.Logging.Hdfs.Formats;

/// <summary>The value class of the SequenceFiles Flume writes (<c>hdfs.writeFormat</c>); the key is always a <c>LongWritable</c>.</summary>
internal enum SequenceFileValueType
{
    /// <summary><c>org.apache.hadoop.io.BytesWritable</c>, Flume's <c>Writable</c> format: a 4-byte length, then the body.</summary>
    BytesWritable,

    /// <summary><c>org.apache.hadoop.io.Text</c>, Flume's <c>Text</c> format: a variable-length length, then the body.</summary>
    Text,
}
