namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>deserializer</c>: how a file is cut into events.</summary>
public enum SpoolDeserializer
{
    /// <summary>One event per line (<c>LINE</c>, Flume's <c>LineDeserializer</c>).</summary>
    Line,

    /// <summary>The whole file as one event, in pieces of at most <c>deserializer.maxBlobLength</c> bytes (Flume's <c>BlobDeserializer</c>).</summary>
    Blob,

    /// <summary>One event per record of an Avro container file, body binary-encoded (<c>AVRO</c>, Flume's <c>AvroEventDeserializer</c>).</summary>
    Avro,
}
