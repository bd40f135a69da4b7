using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Serialization;

namespace Flume.Logging.Relay.Sinks.FileRoll;

/// <summary>The settings of one <c>file_roll</c> sink, read with Flume's keys and defaults.</summary>
internal sealed record FileRollSinkOptions
{
    /// <summary>Flume's <c>sink.rollInterval</c> default: 30 seconds.</summary>
    internal static readonly TimeSpan DefaultRollInterval = TimeSpan.FromSeconds(30);

    /// <summary>Flume's default batch size for the sink.</summary>
    internal const int DefaultBatchSize = 100;

    /// <summary>The folder files are written to (<c>sink.directory</c>); must exist when the sink starts.</summary>
    public required string Directory { get; init; }

    /// <summary>Put before every file name (<c>sink.pathManager.prefix</c>); empty by default.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Put after every file name behind a dot (<c>sink.pathManager.extension</c>); empty for none.</summary>
    public string Extension { get; init; } = "";

    /// <summary>How often a new file is started (<c>sink.rollInterval</c>, seconds); zero never rolls.</summary>
    public TimeSpan RollInterval { get; init; } = DefaultRollInterval;

    /// <summary>
    /// The event format (<c>sink.serializer</c> and its <c>sink.serializer.*</c> settings): <c>text</c> by default,
    /// <c>header_and_text</c>, <c>avro_event</c> or a custom builder.
    /// </summary>
    public EventSerializerFactory Serializer { get; init; } = EventSerializerFactory.Text;

    /// <summary>At most this many events per take and per write (<c>sink.batchSize</c>, or Flume's <c>batchSize</c>).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Makes the error for a directory unusable at start, naming <c>sink.directory</c> and its <c>file:line</c>.</summary>
    public Func<string, ConfigurationException> DirectoryError { get; init; } =
        reason => new ConfigurationException("sink.directory", "sink.directory " + reason);

    /// <summary>Reads the options; every error names the full key.</summary>
    public static FileRollSinkOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var directory = properties.GetRequiredString("sink.directory").Trim();

        var pathManager = properties.GetString("sink.pathManager", "DEFAULT").Trim();
        properties.Require(
            pathManager.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase),
            "sink.pathManager",
            $"'{pathManager}' is not supported; only DEFAULT (<prefix><start-millis>-<counter>.<extension>) is");

        // Flume's guide lists sink.batchSize while its code reads batchSize: take either, the sink.* one first.
        var batchKey = properties.GetString("sink.batchSize") is null ? "batchSize" : "sink.batchSize";
        return new FileRollSinkOptions
        {
            Directory = directory,
            DirectoryError = reason => properties.CreateError("sink.directory", reason),
            Prefix = properties.GetString("sink.pathManager.prefix", "").Trim(),
            Extension = properties.GetString("sink.pathManager.extension", "").Trim(),
            RollInterval = properties.GetSeconds("sink.rollInterval", DefaultRollInterval),
            Serializer = EventSerializerFactory.From(properties, "sink.serializer"),
            BatchSize = properties.GetInt32(batchKey, DefaultBatchSize, 1, int.MaxValue),
        };
    }
}
