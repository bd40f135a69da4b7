namespace Flume.Logging.Rpc.Transport;

/// <summary>The two Flume RPCs a port may speak, for naming the other one when a client speaks it.</summary>
internal enum RpcFamily
{
    /// <summary>Avro IPC over NettyTransceiver frames.</summary>
    Avro,

    /// <summary>Thrift over the framed transport, compact or binary.</summary>
    Thrift,
}
