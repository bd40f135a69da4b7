namespace Flume.Logging.Rpc;

/// <summary>Flume SDK's <c>client.type</c>.</summary>
public enum RpcClientType
{
    /// <summary><c>default</c>: Avro to one host.</summary>
    Default,

    /// <summary><c>thrift</c>: Thrift to one host.</summary>
    Thrift,

    /// <summary><c>default_loadbalance</c>: spread batches over all hosts, retrying a failed batch on the next host.</summary>
    DefaultLoadBalance,

    /// <summary><c>default_failover</c>: send to the first live host in order, moving on when it fails.</summary>
    DefaultFailover,
}
