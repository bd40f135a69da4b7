using System.Globalization;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// The names of one bucket's files, as Flume's <c>BucketWriter</c> makes them:
/// <c>&lt;dir&gt;/&lt;inUsePrefix&gt;&lt;prefix&gt;.&lt;counter&gt;&lt;suffix&gt;&lt;inUseSuffix&gt;</c> while written and
/// <c>&lt;dir&gt;/&lt;prefix&gt;.&lt;counter&gt;&lt;suffix&gt;</c> once closed. The counter starts at the clock's Unix time
/// in milliseconds when the bucket is created and is incremented before each file, so the first file is that time
/// plus one; the suffix is <c>hdfs.fileSuffix</c> or, when that is empty, the codec's extension (e.g. <c>.gz</c>).
/// </summary>
internal sealed class HdfsFileNames
{
    private readonly string _directory;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly string _inUsePrefix;
    private readonly string _inUseSuffix;
    private long _counter;

    /// <param name="directory">The bucket's directory (the formatted <c>hdfs.path</c>).</param>
    /// <param name="prefix">The formatted <c>hdfs.filePrefix</c>.</param>
    /// <param name="options">Suffixes and in-use affixes.</param>
    /// <param name="codecExtension">The codec's default extension (e.g. <c>.gz</c>), or empty without a codec.</param>
    /// <param name="clock">Gives the counter's start.</param>
    public HdfsFileNames(string directory, string prefix, HdfsFileNameOptions options, string codecExtension, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _directory = directory;
        _prefix = prefix;
        _suffix = options.FileSuffix.Length > 0 ? options.FileSuffix : codecExtension;
        _inUsePrefix = options.InUsePrefix;
        _inUseSuffix = options.EmptyInUseSuffix ? "" : options.InUseSuffix;
        _counter = clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>The names of the bucket's next file.</summary>
    public HdfsFileName Next()
    {
        var counter = Interlocked.Increment(ref _counter);
        var name = string.Create(CultureInfo.InvariantCulture, $"{_prefix}.{counter}{_suffix}");
        return new HdfsFileName(
            string.Concat(_directory, "/", _inUsePrefix, name, _inUseSuffix),
            string.Concat(_directory, "/", name));
    }
}
