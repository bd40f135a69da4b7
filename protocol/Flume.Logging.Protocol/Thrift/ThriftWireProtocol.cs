namespace Flume.Logging.Protocol.Thrift;

/// <summary>The Thrift protocol inside each frame. Both ends must agree; Flume defaults to compact.</summary>
internal enum ThriftWireProtocol
{
    /// <summary>TCompactProtocol: varints, zigzag, field-id deltas.</summary>
    Compact,

    /// <summary>TBinaryProtocol: fixed-width big-endian values, strict (versioned) message headers.</summary>
    Binary,
}
