namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>deserializer</c>: how a file is cut into events.</summary>
public enum SpoolDeserializer
{
    /// <summary>One event per line (<c>LINE</c>, Flume's <c>LineDeserializer</c>).</summary>
    Line,

    /// <summary>The whole file as one event, in pieces of at most <c>deserializer.maxBlobLength</c> bytes (Flume's <c>BlobDeserializer</c>).</summary>
    Blob,
}
