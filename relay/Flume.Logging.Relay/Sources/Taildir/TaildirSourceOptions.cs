using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>Settings of the <c>TAILDIR</c> source, with Flume's property names and defaults.</summary>
internal sealed class TaildirSourceOptions
{
    /// <summary>Flume's default position file, under the user's home folder.</summary>
    public const string DefaultPositionFile = ".flume/taildir_position.json";

    /// <summary>
    /// <c>filegroups</c> (required) and each <c>filegroups.&lt;g&gt;</c>: the absolute folder + file-name regex of
    /// every group, with its <c>headers.&lt;g&gt;.&lt;key&gt;</c>.
    /// </summary>
    public IReadOnlyList<TaildirFileGroup> FileGroups { get; set; } = [];

    /// <summary><c>positionFile</c>: where inode, path and committed position of each file are kept, in Flume's JSON. Default: <c>~/.flume/taildir_position.json</c>.</summary>
    public string PositionFile { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), DefaultPositionFile);

    /// <summary><c>byteOffsetHeader</c>: add the line's byte offset in its file as header <c>byteoffset</c>. Default: false.</summary>
    public bool ByteOffsetHeader { get; set; }

    /// <summary><c>skipToEnd</c>: start files found at start-up but not in the position file at their end. Default: false.</summary>
    public bool SkipToEnd { get; set; }

    /// <summary><c>idleTimeout</c> (ms): close a file nothing was read from for this long; it is re-opened when it grows. Default: 120000 ms.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMilliseconds(120_000);

    /// <summary><c>writePosInterval</c> (ms): how often the position file is written. Default: 3000 ms.</summary>
    public TimeSpan WritePosInterval { get; set; } = TimeSpan.FromMilliseconds(3000);

    /// <summary><c>batchSize</c>: most lines read and committed to the channel at a time. Default: 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary><c>maxBatchCount</c>: most batches read from one file before the others get a turn. Default: <see cref="long.MaxValue"/>.</summary>
    public long MaxBatchCount { get; set; } = long.MaxValue;

    /// <summary><c>backoffSleepIncrement</c> (ms): added to the pause after each poll that found no new line. Default: 1000 ms.</summary>
    public TimeSpan BackoffSleepIncrement { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary><c>maxBackoffSleep</c> (ms): the longest pause between polls that find nothing. Default: 5000 ms.</summary>
    public TimeSpan MaxBackoffSleep { get; set; } = TimeSpan.FromMilliseconds(5000);

    /// <summary><c>cachePatternMatching</c>: re-list a folder only when its modification time changed. Default: true.</summary>
    public bool CachePatternMatching { get; set; } = true;

    /// <summary><c>fileHeader</c>: add the file's absolute path as a header. Default: false.</summary>
    public bool FileHeader { get; set; }

    /// <summary><c>fileHeaderKey</c>: the header <see cref="FileHeader"/> uses. Default: <c>file</c>.</summary>
    public string FileHeaderKey { get; set; } = "file";

    /// <summary>The properties these options were read from, so start-time errors can name the key and its line.</summary>
    internal ComponentContext? Properties { get; private init; }

    /// <summary>Reads a <c>TAILDIR</c> source's properties; errors name the exact key.</summary>
    internal static TaildirSourceOptions From(ComponentContext properties)
    {
        var names = properties.GetList("filegroups");
        properties.Require(names.Count > 0, "filegroups", "is required: a space-separated list of file group names");
        var headers = properties.GetSubContext("headers.");
        var groups = new List<TaildirFileGroup>(names.Count);
        foreach (var name in names)
        {
            var key = "filegroups." + name;
            var path = properties.GetString(key)?.Trim();
            properties.Require(!string.IsNullOrEmpty(path), key, $"is required: group '{name}' is listed in filegroups but has no path");
            properties.Require(Path.IsPathFullyQualified(path!), key, $"must be an absolute path (folder + file-name regex), got '{path}'");
            var group = new TaildirFileGroup(name, path!, ReadHeaders(headers, name));
            properties.Require(group.FileNamePattern.Length > 0, key, $"'{path}' names no file-name pattern after its folder");
            properties.Require(group.TryCompile(out var error) is not null, key, $"'{group.FileNamePattern}' is not a valid regular expression: {error}");
            groups.Add(group);
        }

        var maxBatchCount = properties.GetInt64("maxBatchCount", long.MaxValue);
        var options = new TaildirSourceOptions
        {
            FileGroups = groups,
            PositionFile = properties.GetString("positionFile")?.Trim() is { Length: > 0 } position ? position : new TaildirSourceOptions().PositionFile,
            ByteOffsetHeader = properties.GetBoolean("byteOffsetHeader", false),
            SkipToEnd = properties.GetBoolean("skipToEnd", false),
            IdleTimeout = properties.GetMilliseconds("idleTimeout", TimeSpan.FromMilliseconds(120_000)),
            WritePosInterval = properties.GetMilliseconds("writePosInterval", TimeSpan.FromMilliseconds(3000)),
            BatchSize = properties.GetInt32("batchSize", 100, 1, int.MaxValue),

            // Flume falls back to the default for a value of zero or less instead of refusing it.
            MaxBatchCount = maxBatchCount > 0 ? maxBatchCount : long.MaxValue,
            BackoffSleepIncrement = properties.GetMilliseconds("backoffSleepIncrement", TimeSpan.FromMilliseconds(1000)),
            MaxBackoffSleep = properties.GetMilliseconds("maxBackoffSleep", TimeSpan.FromMilliseconds(5000)),
            CachePatternMatching = properties.GetBoolean("cachePatternMatching", true),
            FileHeader = properties.GetBoolean("fileHeader", false),
            FileHeaderKey = properties.GetString("fileHeaderKey", "file"),
            Properties = properties,
        };

        properties.Require(options.IdleTimeout > TimeSpan.Zero, "idleTimeout", "must be positive");
        properties.Require(options.WritePosInterval > TimeSpan.Zero, "writePosInterval", "must be positive");
        properties.Require(options.BackoffSleepIncrement >= TimeSpan.Zero, "backoffSleepIncrement", "must not be negative");
        properties.Require(options.MaxBackoffSleep >= TimeSpan.Zero, "maxBackoffSleep", "must not be negative");
        properties.Require(options.FileHeaderKey.Length > 0, "fileHeaderKey", "must not be empty");
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        Check(FileGroups.Count > 0, nameof(FileGroups), "filegroups is required");
        foreach (var group in FileGroups)
        {
            Check(Path.IsPathFullyQualified(group.Path), nameof(FileGroups), $"filegroups.{group.Name} must be an absolute path (got '{group.Path}')");
            Check(group.TryCompile(out var error) is not null, nameof(FileGroups), $"filegroups.{group.Name}: '{group.FileNamePattern}' is not a valid regular expression: {error}");
        }

        Check(!string.IsNullOrWhiteSpace(PositionFile), nameof(PositionFile), "positionFile must not be empty");
        Check(IdleTimeout > TimeSpan.Zero, nameof(IdleTimeout), "idleTimeout must be positive");
        Check(WritePosInterval > TimeSpan.Zero, nameof(WritePosInterval), "writePosInterval must be positive");
        Check(BatchSize >= 1, nameof(BatchSize), $"batchSize must be at least 1 (got {BatchSize})");
        Check(MaxBatchCount >= 1, nameof(MaxBatchCount), $"maxBatchCount must be at least 1 (got {MaxBatchCount})");
        Check(BackoffSleepIncrement >= TimeSpan.Zero, nameof(BackoffSleepIncrement), "backoffSleepIncrement must not be negative");
        Check(MaxBackoffSleep >= TimeSpan.Zero, nameof(MaxBackoffSleep), "maxBackoffSleep must not be negative");
        Check(!string.IsNullOrEmpty(FileHeaderKey), nameof(FileHeaderKey), "fileHeaderKey must not be empty");
    }

    /// <summary>The <c>headers.&lt;group&gt;.&lt;key&gt;</c> values of one group, split at the first dot as Flume does.</summary>
    private static Dictionary<string, string> ReadHeaders(ComponentContext headers, string group)
    {
        var prefix = group + ".";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in headers.Properties)
        {
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                result[key[prefix.Length..]] = value;
            }
        }

        return result;
    }

    private static void Check(bool condition, string parameter, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, parameter);
        }
    }
}
