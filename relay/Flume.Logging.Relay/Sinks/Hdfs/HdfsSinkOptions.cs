using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// The settings of one <c>hdfs</c> sink, read once with Flume's keys and defaults (user guide, "HDFS Sink"); every
/// error names its key. Accepted but not applied, because this relay has no thread pools for them to size:
/// <c>hdfs.threadsPoolSize</c> (10) and <c>hdfs.rollTimerPoolSize</c> (1): calls to HDFS are asynchronous and the
/// sink's one timer serves every bucket. Refused: <c>hdfs.kerberosPrincipal</c> and
/// <c>hdfs.kerberosKeytab</c>, since the native client speaks SIMPLE authentication only.
/// <para>
/// An event whose path needs a time it does not have (no or a non-numeric <c>timestamp</c> header while
/// <c>hdfs.useLocalTimeStamp</c> is false) is dropped, counted in the sink's <c>EventDropCount</c> and logged
/// (at warning level the first time and then once a minute with the count): Flume fails the whole batch on it
/// forever, wedging the sink.
/// </para>
/// </summary>
internal sealed record HdfsSinkOptions
{
    /// <summary>Flume's <c>hdfs.rollInterval</c> default: 30 seconds.</summary>
    internal static readonly TimeSpan DefaultRollInterval = TimeSpan.FromSeconds(30);

    /// <summary>Flume's <c>hdfs.retryInterval</c> default: 180 seconds.</summary>
    internal static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(180);

    /// <summary>Flume's <c>hdfs.callTimeout</c> default (user guide): 30000 milliseconds.</summary>
    internal static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromMilliseconds(30_000);

    /// <summary>Flume's <c>hdfs.rollSize</c> default: 1024 bytes.</summary>
    internal const long DefaultRollSize = 1024;

    /// <summary>Flume's <c>hdfs.rollCount</c> default: 10 events.</summary>
    internal const long DefaultRollCount = 10;

    /// <summary>Flume's <c>hdfs.batchSize</c> default: 100 events.</summary>
    internal const int DefaultBatchSize = 100;

    /// <summary>Flume's <c>hdfs.maxOpenFiles</c> default: 5000.</summary>
    internal const int DefaultMaxOpenFiles = 5000;

    /// <summary>Where the files go (<c>hdfs.path</c>, required, may hold escapes): which file system, and the directory template.</summary>
    public required HdfsSinkPath Path { get; init; }

    /// <summary>How files are named (<c>hdfs.filePrefix</c>, <c>hdfs.fileSuffix</c>, <c>hdfs.inUsePrefix</c>, <c>hdfs.inUseSuffix</c>, <c>hdfs.emptyInUseSuffix</c>).</summary>
    public HdfsFileNameOptions FileNames { get; init; } = new();

    /// <summary>What the files hold (<c>hdfs.fileType</c>, <c>hdfs.codeC</c>, <c>hdfs.writeFormat</c>, <c>serializer</c>, <c>serializer.*</c>).</summary>
    public HdfsFileFormatOptions Format { get; init; } = new();

    /// <summary>Where the time escapes get their time (<c>hdfs.round*</c>, <c>hdfs.timeZone</c>, <c>hdfs.useLocalTimeStamp</c>).</summary>
    public BucketPathOptions Time { get; init; } = new();

    /// <summary>Roll a file this long after it was opened (<c>hdfs.rollInterval</c>, seconds); 30 s by default, zero never.</summary>
    public TimeSpan RollInterval { get; init; } = DefaultRollInterval;

    /// <summary>Roll a file once its event bodies reach this many bytes (<c>hdfs.rollSize</c>); 1024 by default, zero never.</summary>
    public long RollSize { get; init; } = DefaultRollSize;

    /// <summary>Roll a file once it holds this many events (<c>hdfs.rollCount</c>); 10 by default, zero never.</summary>
    public long RollCount { get; init; } = DefaultRollCount;

    /// <summary>Close a file no event was written to for this long (<c>hdfs.idleTimeout</c>, seconds); zero, the default, never.</summary>
    public TimeSpan IdleTimeout { get; init; }

    /// <summary>At most this many events per take, written and flushed before the take commits (<c>hdfs.batchSize</c>); 100 by default.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>At most this many buckets open; the least recently written one is closed beyond it (<c>hdfs.maxOpenFiles</c>); 5000 by default.</summary>
    public int MaxOpenFiles { get; init; } = DefaultMaxOpenFiles;

    /// <summary>
    /// Attempts to finish (recover the lease of and rename) a file whose close failed, the first included
    /// (<c>hdfs.closeTries</c>); zero, the default, keeps trying.
    /// </summary>
    public int CloseTries { get; init; }

    /// <summary>Time between those attempts (<c>hdfs.retryInterval</c>, seconds); 180 s by default, zero tries once only.</summary>
    public TimeSpan RetryInterval { get; init; } = DefaultRetryInterval;

    /// <summary>Bound on each HDFS call: create, write, flush, close, rename, recoverLease (<c>hdfs.callTimeout</c>, ms); 30000 by default.</summary>
    public TimeSpan CallTimeout { get; init; } = DefaultCallTimeout;

    /// <summary>
    /// Roll a file whose current block has fewer replicas than this (<c>hdfs.minBlockReplicas</c>), so writing goes on
    /// through a fresh, full pipeline; by default (null) the file's own replication. As in Flume, a bucket stops
    /// rolling for this after <see cref="BucketWriter.MaxConsecutiveUnderReplicatedRolls"/> such rolls in a row.
    /// </summary>
    public int? MinBlockReplicas { get; init; }

    /// <summary>The user HDFS acts as, impersonated by the login user (<c>hdfs.proxyUser</c>); none by default.</summary>
    public string? ProxyUser { get; init; }

    /// <summary>Reads and checks the options.</summary>
    /// <exception cref="ConfigurationException">A value is malformed or out of range, or Kerberos is asked for.</exception>
    public static HdfsSinkOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        foreach (var kerberos in (string[])["hdfs.kerberosPrincipal", "hdfs.kerberosKeytab"])
        {
            properties.Require(
                string.IsNullOrWhiteSpace(properties.GetString(kerberos)),
                kerberos,
                "is set, but Kerberos is not supported: the relay's HDFS client speaks SIMPLE authentication only (use hdfs.proxyUser for impersonation)");
        }

        // Accepted with Flume's meaning checked, though nothing here needs them (see the type's remarks).
        properties.GetInt32("hdfs.threadsPoolSize", 10, 1, int.MaxValue);
        properties.GetInt32("hdfs.rollTimerPoolSize", 1, 1, int.MaxValue);

        var proxyUser = properties.GetString("hdfs.proxyUser")?.Trim();
        return new HdfsSinkOptions
        {
            Path = HdfsSinkPath.Parse(properties),
            FileNames = HdfsFileNameOptions.From(properties),
            Format = HdfsFileFormatOptions.From(properties),
            Time = BucketPathOptions.From(properties),
            RollInterval = properties.GetSeconds("hdfs.rollInterval", DefaultRollInterval),
            RollSize = properties.GetInt64("hdfs.rollSize", DefaultRollSize, 0, long.MaxValue),
            RollCount = properties.GetInt64("hdfs.rollCount", DefaultRollCount, 0, long.MaxValue),
            IdleTimeout = properties.GetSeconds("hdfs.idleTimeout", TimeSpan.Zero),
            BatchSize = properties.GetInt32("hdfs.batchSize", DefaultBatchSize, 1, int.MaxValue),
            MaxOpenFiles = properties.GetInt32("hdfs.maxOpenFiles", DefaultMaxOpenFiles, 1, int.MaxValue),
            CloseTries = properties.GetInt32("hdfs.closeTries", 0, 0, int.MaxValue),
            RetryInterval = properties.GetSeconds("hdfs.retryInterval", DefaultRetryInterval),
            CallTimeout = properties.GetMilliseconds("hdfs.callTimeout", DefaultCallTimeout),
            ProxyUser = string.IsNullOrEmpty(proxyUser) ? null : proxyUser,
            MinBlockReplicas = string.IsNullOrWhiteSpace(properties.GetString("hdfs.minBlockReplicas"))
                ? null
                : properties.GetInt32("hdfs.minBlockReplicas", 1, 0, short.MaxValue),
        };
    }
}
