namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>One file of a bucket: the path it is written under, and the path it is renamed to when closed.</summary>
/// <param name="InUsePath">Where the file is written, e.g. <c>/flume/events/FlumeData.1764900000001.tmp</c>.</param>
/// <param name="FinalPath">Where the file ends, e.g. <c>/flume/events/FlumeData.1764900000001</c>.</param>
internal readonly record struct HdfsFileName(string InUsePath, string FinalPath);
