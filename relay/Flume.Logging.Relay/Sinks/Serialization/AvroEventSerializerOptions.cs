using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>The settings of the <c>avro_event</c> serializer, read from the <c>serializer.*</c> subtree with Flume's keys.</summary>
internal sealed record AvroEventSerializerOptions
{
    /// <summary>Flume's default <c>syncIntervalBytes</c>.</summary>
    internal const int DefaultSyncIntervalBytes = 2_048_000;

    /// <summary>The codecs accepted for <c>compressionCodec</c>.</summary>
    internal static readonly string[] Codecs = ["null", "deflate", AvroSnappyCodec.Name];

    /// <summary>
    /// About how many bytes of events go in one Avro block before a sync marker (<c>syncIntervalBytes</c>);
    /// 2048000 by default. Every flush (each batch) also ends a block.
    /// </summary>
    public int SyncIntervalBytes { get; init; } = DefaultSyncIntervalBytes;

    /// <summary>The Avro block codec (<c>compressionCodec</c>): <c>null</c> (the default), <c>deflate</c> or <c>snappy</c>.</summary>
    public string CompressionCodec { get; init; } = "null";

    /// <summary>Reads the options from the serializer's subtree; every error names the full key.</summary>
    public static AvroEventSerializerOptions From(ComponentContext serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var codec = serializer.GetString("compressionCodec", "null").Trim().ToLowerInvariant();
        serializer.Require(
            Array.IndexOf(Codecs, codec) >= 0,
            "compressionCodec",
            $"'{codec}' is not supported; use one of {string.Join(", ", Codecs)}");
        return new AvroEventSerializerOptions
        {
            SyncIntervalBytes = serializer.GetInt32("syncIntervalBytes", DefaultSyncIntervalBytes, 32, int.MaxValue),
            CompressionCodec = codec,
        };
    }
}
