namespace Flume.Logging.Hdfs.Config;

/// <summary>Where a file system lives: its NameNodes (several for an HA nameservice, tried in order) and how to reach DataNodes.</summary>
/// <param name="NameNodes">The NameNodes' RPC addresses.</param>
/// <param name="UseDataNodeHostname">Connect to DataNodes by host name instead of IP (<c>dfs.client.use.datanode.hostname</c>).</param>
internal sealed record HdfsTarget(IReadOnlyList<NameNodeAddress> NameNodes, bool UseDataNodeHostname);
