using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// Writes events into one open file in its format, as Flume's <c>HDFSWriter</c>s do. <see cref="Sync"/> is the
/// per-batch durability point: it makes everything appended a complete, readable prefix of the file and flushes the
/// file's stream, which the HDFS client turns into an <c>hflush</c>.
/// </summary>
internal interface IHdfsEventWriter
{
    /// <summary>Writes one event (it may be buffered until <see cref="Sync"/>).</summary>
    void Append(FlumeEvent flumeEvent);

    /// <summary>Ends the batch: everything appended is in the stream, decodable, and flushed.</summary>
    void Sync();

    /// <summary>Writes any trailer and flushes; the caller closes the stream.</summary>
    void Close();
}
