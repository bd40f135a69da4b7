namespace Flume.Logging.Rpc;

/// <summary>The Thrift protocol over the framed transport, Flume's <c>protocol</c> property.</summary>
public enum ThriftProtocolKind
{
    /// <summary>TCompactProtocol, Flume's default.</summary>
    Compact,

    /// <summary>TBinaryProtocol (strict, versioned message headers).</summary>
    Binary,
}
