namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>deserializer.schemaType</c>: how the AVRO deserializer names each event's schema in its headers.</summary>
public enum SpoolAvroSchemaType
{
    /// <summary>
    /// The schema's CRC-64-AVRO parsing fingerprint, little-endian, as lower-case hex in <c>flume.avro.schema.hash</c>
    /// (Flume's default).
    /// </summary>
    Hash,

    /// <summary>The schema's JSON in <c>flume.avro.schema.literal</c>.</summary>
    Literal,
}
