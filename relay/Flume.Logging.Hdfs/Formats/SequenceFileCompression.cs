namespace Flume.Logging.Hdfs.Formats;

/// <summary>How a SequenceFile compresses its records (Hadoop's <c>SequenceFile.CompressionType</c>).</summary>
internal enum SequenceFileCompression
{
    /// <summary>Records as they are.</summary>
    None,

    /// <summary>Each value compressed on its own; keys as they are.</summary>
    Record,

    /// <summary>Records gathered into blocks whose key lengths, keys, value lengths and values are compressed apart.</summary>
    Block,
}
