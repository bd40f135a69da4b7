namespace Flume.Logging.Protocol.Thrift;

/// <summary>Thrift's type ids (TType), as TBinaryProtocol writes them; the compact protocol maps its own ids onto these.</summary>
internal enum ThriftType : byte
{
    /// <summary>End of a struct's fields.</summary>
    Stop = 0,

    /// <summary>bool.</summary>
    Bool = 2,

    /// <summary>i8 (byte).</summary>
    Byte = 3,

    /// <summary>double.</summary>
    Double = 4,

    /// <summary>i16.</summary>
    I16 = 6,

    /// <summary>i32 and enums.</summary>
    I32 = 8,

    /// <summary>i64.</summary>
    I64 = 10,

    /// <summary>string and binary.</summary>
    String = 11,

    /// <summary>struct.</summary>
    Struct = 12,

    /// <summary>map.</summary>
    Map = 13,

    /// <summary>set.</summary>
    Set = 14,

    /// <summary>list.</summary>
    List = 15,
}
