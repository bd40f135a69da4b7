namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>The DataTransferProtocol operations we speak (Hadoop's op codes).</summary>
internal enum DataTransferOp : byte
{
    /// <summary>Write a block through a pipeline of DataNodes.</summary>
    WriteBlock = 80,

    /// <summary>Read part of a block from one DataNode.</summary>
    ReadBlock = 81,
}
