using System.Net;

namespace Flume.Logging.Rpc;

/// <summary>A listening Flume RPC endpoint (Avro or Thrift). Start and stop each run once.</summary>
public interface IRpcServer : IAsyncDisposable
{
    /// <summary>The bound address; the actual port when 0 was asked for. Valid after <see cref="StartAsync"/>.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds and starts accepting. Throws <see cref="RpcServerException"/> naming the address when it cannot bind.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops accepting, lets requests in flight finish and be answered, then closes every connection.
    /// Connections still busy when <paramref name="cancellationToken"/> fires are aborted.
    /// </summary>
    Task StopAsync(CancellationToken cancellationToken);
}
