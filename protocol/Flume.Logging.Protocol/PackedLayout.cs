namespace Flume.Logging.Protocol;

/// <summary>How the length before each key and value of a <see cref="PackedHeaders"/> block is written.</summary>
internal enum PackedLayout
{
    /// <summary>4 bytes, little-endian: what appenders and sources that build events write.</summary>
    Fixed,

    /// <summary>A zig-zag varint: the entries of a one-block Avro map, as an Avro request carried them.</summary>
    Avro,

    /// <summary>4 bytes, big-endian: a map's entries in Thrift's binary protocol.</summary>
    ThriftBinary,

    /// <summary>An unsigned varint: a map's entries in Thrift's compact protocol.</summary>
    ThriftCompact,
}
