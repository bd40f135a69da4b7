using System.Net;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// What every source that listens on a port shares: its server's lifecycle and Flume's source counters, which
/// start when the port is bound and stop when it is closed.
/// </summary>
internal abstract class ListeningSource : ISource, IMonitoredComponent, IAsyncDisposable
{
    protected ListeningSource(string name)
    {
        Name = name;
        Counter = new SourceCounter(name);
    }

    public string Name { get; }

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>The bound address, valid once started.</summary>
    public IPEndPoint LocalEndPoint => Server.LocalEndPoint;

    /// <summary>The server accepting this source's clients; set by the subclass's constructor.</summary>
    protected abstract IRpcServer Server { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Server.StartAsync(cancellationToken);
        Counter.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Server.StopAsync(cancellationToken);
        Counter.Stop();
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
