using Flume.Logging.Hdfs.Config;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// <c>hdfs.path</c> split into the file system it names and the directory template within it. The split is done on
/// the text, not with <see cref="Uri"/>, because the template's <c>%</c> escapes are not URI escapes.
/// </summary>
/// <param name="Scheme">Where the files go.</param>
/// <param name="FileSystem">The <c>hdfs://authority/</c> URI, or null for <c>fs.defaultFS</c> and for local files.</param>
/// <param name="Directory">The directory template, an absolute path that may hold escapes.</param>
internal sealed record HdfsSinkPath(HdfsPathScheme Scheme, Uri? FileSystem, string Directory)
{
    private const string HdfsPrefix = "hdfs://";
    private const string FilePrefix = "file://";

    /// <summary>
    /// The part of <see cref="Directory"/> no event can change: up to the last <c>/</c> before the first escape, or
    /// all of it without escapes. Crash leftovers are looked for under it.
    /// </summary>
    public string FixedDirectory
    {
        get
        {
            var escape = Directory.IndexOf('%', StringComparison.Ordinal);
            if (escape < 0)
            {
                return Directory;
            }

            var slash = Directory.LastIndexOf('/', escape);
            return slash <= 0 ? "/" : Directory[..slash];
        }
    }

    /// <summary>Whether events choose subdirectories of <see cref="FixedDirectory"/>.</summary>
    public bool HasEscapes => Directory.Contains('%', StringComparison.Ordinal);

    /// <summary>
    /// Checks that a bare path has a file system to be on: <c>fs.defaultFS</c> of the Hadoop configuration
    /// (<c>HADOOP_CONF_DIR</c>), an <c>hdfs://</c> or <c>file:</c> URI. Done when the sink is built, so <c>--check</c>
    /// names <c>hdfs.path</c> and its line rather than the start failing on the client's own message.
    /// </summary>
    public void RequireFileSystem(ComponentContext properties, HadoopConfiguration hadoop)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(hadoop);
        if (Scheme != HdfsPathScheme.DefaultFileSystem)
        {
            return;
        }

        var defaultFs = hadoop.Get("fs.defaultFS");
        properties.Require(
            defaultFs is not null,
            "hdfs.path",
            Environment.GetEnvironmentVariable("HADOOP_CONF_DIR") is { Length: > 0 } folder
                ? $"'{Directory}' names no file system, and the Hadoop configuration in HADOOP_CONF_DIR ({folder}) has no " +
                  $"fs.defaultFS to put it on: write hdfs://namenode:8020{Directory}"
                : $"'{Directory}' names no file system, and there is no fs.defaultFS to put it on (HADOOP_CONF_DIR is not " +
                  $"set): write hdfs://namenode:8020{Directory}, or set HADOOP_CONF_DIR to the cluster's client configuration");
        properties.Require(
            defaultFs!.StartsWith(HdfsPrefix, StringComparison.OrdinalIgnoreCase) || defaultFs.StartsWith("file:", StringComparison.OrdinalIgnoreCase),
            "hdfs.path",
            $"'{Directory}' is on fs.defaultFS = {defaultFs}, which is neither hdfs:// nor file:");
    }

    /// <summary>Reads <c>hdfs.path</c>: <c>hdfs://host[:port]/dir</c>, <c>file:///dir</c>, or <c>/dir</c> on <c>fs.defaultFS</c>.</summary>
    public static HdfsSinkPath Parse(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var written = properties.GetRequiredString("hdfs.path").Trim();
        HdfsSinkPath path;
        if (written.StartsWith(HdfsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var slash = written.IndexOf('/', HdfsPrefix.Length);
            var authority = slash < 0 ? written[HdfsPrefix.Length..] : written[HdfsPrefix.Length..slash];
            properties.Require(
                authority.Length > 0 && Uri.TryCreate(HdfsPrefix + authority + "/", UriKind.Absolute, out _),
                "hdfs.path",
                $"'{written}' does not name a NameNode or nameservice after hdfs:// (e.g. hdfs://namenode:8020/flume/events)");
            path = new HdfsSinkPath(HdfsPathScheme.Hdfs, new Uri(HdfsPrefix + authority + "/"), slash < 0 ? "/" : written[slash..]);
        }
        else if (written.StartsWith(FilePrefix, StringComparison.OrdinalIgnoreCase))
        {
            path = new HdfsSinkPath(HdfsPathScheme.Local, null, written[FilePrefix.Length..]);
        }
        else
        {
            path = new HdfsSinkPath(HdfsPathScheme.DefaultFileSystem, null, written);
        }

        properties.Require(
            path.Directory.StartsWith('/'),
            "hdfs.path",
            $"'{written}' is not an absolute path (hdfs://host:port/dir, file:///dir or /dir on fs.defaultFS)");
        return path with { Directory = path.Directory.Length > 1 ? path.Directory.TrimEnd('/') : path.Directory };
    }
}
