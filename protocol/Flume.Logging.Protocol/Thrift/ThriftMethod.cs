namespace Flume.Logging.Protocol.Thrift;

/// <summary>The ThriftSourceProtocol function a call names.</summary>
internal enum ThriftMethod
{
    /// <summary>A function this service does not have; answered with TApplicationException UNKNOWN_METHOD.</summary>
    Unknown,

    /// <summary><c>Status append(1: ThriftFlumeEvent event)</c>.</summary>
    Append,

    /// <summary><c>Status appendBatch(1: list&lt;ThriftFlumeEvent&gt; events)</c>.</summary>
    AppendBatch,
}
