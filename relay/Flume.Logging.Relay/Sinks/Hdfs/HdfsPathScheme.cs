namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>Which file system <c>hdfs.path</c> names.</summary>
internal enum HdfsPathScheme
{
    /// <summary>A bare path, on the cluster <c>fs.defaultFS</c> of <c>HADOOP_CONF_DIR</c> names.</summary>
    DefaultFileSystem,

    /// <summary>An <c>hdfs://</c> URI.</summary>
    Hdfs,

    /// <summary>A <c>file://</c> URI: the local (or a mounted) file system, without the HDFS client.</summary>
    Local,
}
