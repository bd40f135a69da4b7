namespace Flume.Logging.Rpc;

/// <summary>Stream compression under the framing, Flume's <c>compression-type</c>. Both ends must agree.</summary>
public enum CompressionType
{
    /// <summary>No compression (Flume's <c>none</c>).</summary>
    None,

    /// <summary>zlib (RFC 1950) streams in both directions (Flume's <c>deflate</c>); Avro only.</summary>
    Deflate,
}
