using System.Text;
using System.Text.RegularExpressions;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>Settings of the <c>spooldir</c> source, with Flume's property names and defaults.</summary>
public sealed class SpoolDirectorySourceOptions
{
    /// <summary>Flume's class name for the LINE deserializer, accepted as a synonym of <c>LINE</c>.</summary>
    private const string LineBuilderClass = "org.apache.flume.serialization.LineDeserializer$Builder";

    /// <summary>Flume's class name for the BLOB deserializer, accepted as a synonym of <c>BLOB</c>.</summary>
    private const string AvroBuilderClass = "org.apache.flume.serialization.AvroEventDeserializer$Builder";

    private const string BlobBuilderClass = "org.apache.flume.sink.solr.morphline.BlobDeserializer$Builder";

    /// <summary><c>spoolDir</c> (required): the folder files are dropped into.</summary>
    public string SpoolDir { get; set; } = "";

    /// <summary><c>fileSuffix</c>: appended to a file's name once it is completed. Default: <c>.COMPLETED</c>.</summary>
    public string FileSuffix { get; set; } = ".COMPLETED";

    /// <summary><c>deletePolicy</c>: <c>never</c> (default) or <c>immediate</c>.</summary>
    public SpoolDeletePolicy DeletePolicy { get; set; } = SpoolDeletePolicy.Never;

    /// <summary><c>fileHeader</c>: add the file's absolute path as a header. Default: false.</summary>
    public bool FileHeader { get; set; }

    /// <summary><c>fileHeaderKey</c>: the header <see cref="FileHeader"/> uses. Default: <c>file</c>.</summary>
    public string FileHeaderKey { get; set; } = "file";

    /// <summary><c>basenameHeader</c>: add the file's name as a header. Default: false.</summary>
    public bool BasenameHeader { get; set; }

    /// <summary><c>basenameHeaderKey</c>: the header <see cref="BasenameHeader"/> uses. Default: <c>basename</c>.</summary>
    public string BasenameHeaderKey { get; set; } = "basename";

    /// <summary><c>includePattern</c>: a file is read only if its whole name matches. Default: <c>^.*$</c>.</summary>
    public string IncludePattern { get; set; } = "^.*$";

    /// <summary><c>ignorePattern</c>: a file whose whole name matches is skipped, even if included. Default: <c>^$</c>.</summary>
    public string IgnorePattern { get; set; } = "^$";

    /// <summary><c>trackerDir</c>: where positions and markers are kept; relative to <see cref="SpoolDir"/> unless absolute. Default: <c>.flumespool</c>.</summary>
    public string TrackerDir { get; set; } = ".flumespool";

    /// <summary><c>trackingPolicy</c>: <c>rename</c> (default) or <c>tracker_dir</c>; used only when <c>deletePolicy</c> is <c>never</c>.</summary>
    public SpoolTrackingPolicy TrackingPolicy { get; set; } = SpoolTrackingPolicy.Rename;

    /// <summary><c>consumeOrder</c>: <c>oldest</c> (default), <c>youngest</c> or <c>random</c>.</summary>
    public SpoolConsumeOrder ConsumeOrder { get; set; } = SpoolConsumeOrder.Oldest;

    /// <summary><c>pollDelay</c> (ms): the pause between scans of an idle folder. Default: 500 ms.</summary>
    public TimeSpan PollDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>recursiveDirectorySearch</c>: also read files in sub-folders. Default: false.</summary>
    public bool RecursiveDirectorySearch { get; set; }

    /// <summary><c>maxBackoff</c> (ms): the longest pause before retrying a batch the channel refused. Default: 4000 ms.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMilliseconds(4000);

    /// <summary><c>batchSize</c>: events committed per transaction. Default: 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary><c>inputCharset</c>: how the LINE deserializer decodes files. Default: UTF-8.</summary>
    public string InputCharset { get; set; } = "UTF-8";

    /// <summary><c>decodeErrorPolicy</c>: <c>FAIL</c> (default), <c>REPLACE</c> or <c>IGNORE</c>.</summary>
    public DecodeErrorPolicy DecodeErrorPolicy { get; set; } = DecodeErrorPolicy.Fail;

    /// <summary><c>deserializer</c>: <c>LINE</c> (default), <c>BLOB</c> or <c>AVRO</c>.</summary>
    public SpoolDeserializer Deserializer { get; set; } = SpoolDeserializer.Line;

    /// <summary>
    /// <c>deserializer.maxLineLength</c>: the most characters in one LINE event; the rest of a longer line
    /// follows in further events. Default: 2048. The deprecated <c>bufferMaxLineLength</c> overrides it, as in Flume.
    /// </summary>
    public int MaxLineLength { get; set; } = 2048;

    /// <summary><c>deserializer.outputCharset</c>: how LINE event bodies are encoded. Default: UTF-8.</summary>
    public string OutputCharset { get; set; } = "UTF-8";

    /// <summary><c>deserializer.maxBlobLength</c>: the most bytes in one BLOB event. Default: 100000000.</summary>
    public int MaxBlobLength { get; set; } = 100_000_000;

    /// <summary><c>deserializer.schemaType</c>: <c>HASH</c> (default) or <c>LITERAL</c>, for the AVRO deserializer.</summary>
    public SpoolAvroSchemaType AvroSchemaType { get; set; } = SpoolAvroSchemaType.Hash;

    /// <summary>The properties these options were read from, so start-time errors can name the key and its line.</summary>
    internal ComponentContext? Properties { get; private init; }

    /// <summary>Reads a <c>spooldir</c> source's properties; errors name the exact key.</summary>
    internal static SpoolDirectorySourceOptions From(ComponentContext properties)
    {
        var deserializer = ReadDeserializer(properties);
        var maxLineLength = properties.GetInt32("deserializer.maxLineLength", 2048, 1, int.MaxValue);
        if (deserializer == SpoolDeserializer.Line && properties.GetString("bufferMaxLineLength") is not null)
        {
            // Flume lets the deprecated spelling override the deserializer's own setting.
            maxLineLength = properties.GetInt32("bufferMaxLineLength", 5000, 1, int.MaxValue);
        }

        var options = new SpoolDirectorySourceOptions
        {
            SpoolDir = properties.GetRequiredString("spoolDir").Trim(),
            FileSuffix = properties.GetString("fileSuffix", ".COMPLETED"),
            DeletePolicy = properties.GetEnum("deletePolicy", SpoolDeletePolicy.Never),
            FileHeader = properties.GetBoolean("fileHeader", false),
            FileHeaderKey = properties.GetString("fileHeaderKey", "file"),
            BasenameHeader = properties.GetBoolean("basenameHeader", false),
            BasenameHeaderKey = properties.GetString("basenameHeaderKey", "basename"),
            IncludePattern = properties.GetString("includePattern", "^.*$"),
            IgnorePattern = properties.GetString("ignorePattern", "^$"),
            TrackerDir = properties.GetString("trackerDir", ".flumespool").Trim(),
            TrackingPolicy = properties.GetEnum("trackingPolicy", SpoolTrackingPolicy.Rename),
            ConsumeOrder = properties.GetEnum("consumeOrder", SpoolConsumeOrder.Oldest),
            PollDelay = properties.GetMilliseconds("pollDelay", TimeSpan.FromMilliseconds(500)),
            RecursiveDirectorySearch = properties.GetBoolean("recursiveDirectorySearch", false),
            MaxBackoff = properties.GetMilliseconds("maxBackoff", TimeSpan.FromMilliseconds(4000)),
            BatchSize = properties.GetInt32("batchSize", 100, 1, int.MaxValue),
            InputCharset = properties.GetString("inputCharset", "UTF-8").Trim(),
            DecodeErrorPolicy = properties.GetEnum("decodeErrorPolicy", DecodeErrorPolicy.Fail),
            Deserializer = deserializer,
            MaxLineLength = maxLineLength,
            OutputCharset = properties.GetString("deserializer.outputCharset", "UTF-8").Trim(),
            MaxBlobLength = properties.GetInt32("deserializer.maxBlobLength", 100_000_000, 1, int.MaxValue),
            AvroSchemaType = properties.GetEnum("deserializer.schemaType", SpoolAvroSchemaType.Hash),
            Properties = properties,
        };

        properties.Require(options.FileSuffix.Length > 0, "fileSuffix", "must not be empty");
        properties.Require(options.TrackerDir.Length > 0, "trackerDir", "must not be empty");
        properties.Require(TryGetEncoding(options.InputCharset, out _), "inputCharset", $"'{options.InputCharset}' is not a known character set");
        properties.Require(TryGetEncoding(options.OutputCharset, out _), "deserializer.outputCharset", $"'{options.OutputCharset}' is not a known character set");
        properties.Require(TryCreatePattern(options.IncludePattern, out _, out var includeError), "includePattern", $"is not a valid regular expression: {includeError}");
        properties.Require(TryCreatePattern(options.IgnorePattern, out _, out var ignoreError), "ignorePattern", $"is not a valid regular expression: {ignoreError}");
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        Check(!string.IsNullOrWhiteSpace(SpoolDir), nameof(SpoolDir), "spoolDir is required");
        Check(!string.IsNullOrEmpty(FileSuffix), nameof(FileSuffix), "fileSuffix must not be empty");
        Check(!string.IsNullOrWhiteSpace(TrackerDir), nameof(TrackerDir), "trackerDir must not be empty");
        Check(BatchSize >= 1, nameof(BatchSize), $"batchSize must be at least 1 (got {BatchSize})");
        Check(MaxLineLength >= 1, nameof(MaxLineLength), $"deserializer.maxLineLength must be at least 1 (got {MaxLineLength})");
        Check(MaxBlobLength >= 1, nameof(MaxBlobLength), $"deserializer.maxBlobLength must be at least 1 (got {MaxBlobLength})");
        Check(PollDelay >= TimeSpan.Zero, nameof(PollDelay), "pollDelay must not be negative");
        Check(MaxBackoff >= TimeSpan.Zero, nameof(MaxBackoff), "maxBackoff must not be negative");
        Check(!string.IsNullOrEmpty(FileHeaderKey), nameof(FileHeaderKey), "fileHeaderKey must not be empty");
        Check(!string.IsNullOrEmpty(BasenameHeaderKey), nameof(BasenameHeaderKey), "basenameHeaderKey must not be empty");
        Check(TryGetEncoding(InputCharset, out _), nameof(InputCharset), $"inputCharset '{InputCharset}' is not a known character set");
        Check(TryGetEncoding(OutputCharset, out _), nameof(OutputCharset), $"deserializer.outputCharset '{OutputCharset}' is not a known character set");
        Check(TryCreatePattern(IncludePattern, out _, out var includeError), nameof(IncludePattern), $"includePattern is not a valid regular expression: {includeError}");
        Check(TryCreatePattern(IgnorePattern, out _, out var ignoreError), nameof(IgnorePattern), $"ignorePattern is not a valid regular expression: {ignoreError}");
    }

    /// <summary>The encoding Flume's charset name stands for, e.g. <c>UTF-8</c>, <c>ISO-8859-1</c>, <c>US-ASCII</c>.</summary>
    internal static bool TryGetEncoding(string name, out Encoding encoding)
    {
        try
        {
            encoding = Encoding.GetEncoding(name);
            return true;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
            return false;
        }
    }

    /// <summary>
    /// A regular expression that, like Java's <c>Matcher.matches()</c>, must match the whole name.
    /// </summary>
    internal static bool TryCreatePattern(string pattern, out Regex regex, out string error)
    {
        try
        {
            regex = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            regex = null!;
            error = e.Message;
            return false;
        }
    }

    private static SpoolDeserializer ReadDeserializer(ComponentContext properties)
    {
        var value = properties.GetString("deserializer", "LINE").Trim();
        if (value.Equals("LINE", StringComparison.OrdinalIgnoreCase) || value == LineBuilderClass)
        {
            return SpoolDeserializer.Line;
        }

        if (value.Equals("BLOB", StringComparison.OrdinalIgnoreCase) || value == BlobBuilderClass)
        {
            return SpoolDeserializer.Blob;
        }

        if (value.Equals("AVRO", StringComparison.OrdinalIgnoreCase) || value == AvroBuilderClass)
        {
            return SpoolDeserializer.Avro;
        }

        throw properties.CreateError("deserializer", $"'{value}' is not supported; use LINE, BLOB or AVRO");
    }

    private static void Check(bool condition, string parameter, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, parameter);
        }
    }
}
