namespace Flume.Logging.Rpc.Transport;

/// <summary>Serves one accepted connection: reads requests, answers them, returns when the peer is done.</summary>
internal interface IConnectionHandler
{
    /// <summary>
    /// Serves requests until the peer closes, breaks the protocol (log the reason with <see cref="Connection.Peer"/>
    /// and return), or <paramref name="stopping"/> fires. A request already read when stopping fires is still
    /// handled and answered before returning.
    /// </summary>
    Task RunAsync(Connection connection, CancellationToken stopping);
}
