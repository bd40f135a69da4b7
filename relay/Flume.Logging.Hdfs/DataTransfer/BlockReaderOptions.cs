namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>How a <see cref="BlockReader"/> reads.</summary>
internal sealed class BlockReaderOptions
{
    /// <summary>The client name sent with the request (DataNodes log it). Required.</summary>
    public required string ClientName { get; init; }

    /// <summary>Connect to DataNodes by host name rather than IP; default false (<c>dfs.client.use.datanode.hostname</c>).</summary>
    public bool UseDataNodeHostname { get; init; }

    /// <summary>Longest wait for a connect, the response or a packet; default 60 s (<c>dfs.client.socket-timeout</c>).</summary>
    public TimeSpan SocketTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
