using System.Net;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// Serves an agent's metrics over HTTP (Flume's <c>flume.monitoring.type=http</c>) on the relay's own TCP
/// transport. A port in use fails <see cref="StartAsync"/> with an <see cref="RpcServerException"/> naming it.
/// </summary>
internal sealed class MetricsServer : IAsyncDisposable
{
    private readonly TcpServer _server;

    public MetricsServer(MonitoringOptions options, MetricsRegistry registry, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var handler = new MetricsHttpHandler(registry, loggerFactory.CreateLogger<MetricsHttpHandler>());

        // A few scrapers at a time is plenty; more wait in the backlog instead of costing the relay threads.
        var serverOptions = new RpcServerOptions { Bind = options.Bind, Port = options.Port, MaxConnections = 16 };
        _server = new TcpServer("metrics server", serverOptions, handler, wrapStream: null, loggerFactory.CreateLogger<MetricsServer>());
    }

    /// <summary>The bound address, valid once started.</summary>
    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
