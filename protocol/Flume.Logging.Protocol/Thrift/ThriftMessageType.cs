namespace Flume.Logging.Protocol.Thrift;

/// <summary>Thrift's message types (TMessageType).</summary>
internal enum ThriftMessageType : byte
{
    /// <summary>A request that expects a reply.</summary>
    Call = 1,

    /// <summary>A successful answer; its result struct carries the return value.</summary>
    Reply = 2,

    /// <summary>A TApplicationException answer.</summary>
    Exception = 3,

    /// <summary>A request that expects no reply.</summary>
    Oneway = 4,
}
