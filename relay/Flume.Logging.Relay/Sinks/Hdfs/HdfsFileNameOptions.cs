using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>How the HDFS sink names its files, read with Flume's keys and defaults.</summary>
internal sealed record HdfsFileNameOptions
{
    /// <summary>Flume's default <c>hdfs.filePrefix</c>.</summary>
    internal const string DefaultFilePrefix = "FlumeData";

    /// <summary>Flume's default <c>hdfs.inUseSuffix</c>.</summary>
    internal const string DefaultInUseSuffix = ".tmp";

    /// <summary>Before the counter (<c>hdfs.filePrefix</c>, may hold escapes); <c>FlumeData</c> by default.</summary>
    public string FilePrefix { get; init; } = DefaultFilePrefix;

    /// <summary>
    /// After the counter, with no dot added (<c>hdfs.fileSuffix</c>); empty by default, when the codec's extension
    /// (e.g. <c>.gz</c>) is used instead.
    /// </summary>
    public string FileSuffix { get; init; } = "";

    /// <summary>Before the name while the file is written (<c>hdfs.inUsePrefix</c>); empty by default.</summary>
    public string InUsePrefix { get; init; } = "";

    /// <summary>After the name while the file is written (<c>hdfs.inUseSuffix</c>); <c>.tmp</c> by default.</summary>
    public string InUseSuffix { get; init; } = DefaultInUseSuffix;

    /// <summary>
    /// Whether files are written under their final name, ignoring <see cref="InUseSuffix"/>
    /// (<c>hdfs.emptyInUseSuffix</c>); false by default.
    /// </summary>
    public bool EmptyInUseSuffix { get; init; }

    /// <summary>Reads the options; values are taken as written, as Flume does.</summary>
    public static HdfsFileNameOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return new HdfsFileNameOptions
        {
            FilePrefix = properties.GetString("hdfs.filePrefix", DefaultFilePrefix),
            FileSuffix = properties.GetString("hdfs.fileSuffix", ""),
            InUsePrefix = properties.GetString("hdfs.inUsePrefix", ""),
            InUseSuffix = properties.GetString("hdfs.inUseSuffix", DefaultInUseSuffix),
            EmptyInUseSuffix = properties.GetBoolean("hdfs.emptyInUseSuffix", false),
        };
    }
}
