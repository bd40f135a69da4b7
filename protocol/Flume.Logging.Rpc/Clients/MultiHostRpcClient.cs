using Flume.Logging.Protocol;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// What the failover and load-balancing clients share: one <see cref="HostEndpoint"/> per configured host,
/// splitting batches into <see cref="BatchSize"/> chunks that are each delivered independently, and disposal.
/// </summary>
internal abstract class MultiHostRpcClient : IRpcClient
{
    private int _disposed;

    /// <summary>Creates an endpoint per host of <paramref name="options"/>, skipped for up to <paramref name="maxBackoff"/> after failures.</summary>
    private protected MultiHostRpcClient(RpcClientOptions options, Func<RpcHost, IRpcClient> hostClientFactory, TimeSpan maxBackoff, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostClientFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        BatchSize = options.BatchSize;
        var endpoints = new HostEndpoint[options.Hosts.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = new HostEndpoint(options.Hosts[i], hostClientFactory, maxBackoff, timeProvider, logger);
        }

        Endpoints = endpoints;
    }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <inheritdoc/>
    public bool IsActive => Volatile.Read(ref _disposed) == 0;

    /// <summary>The hosts, in configured order.</summary>
    private protected IReadOnlyList<HostEndpoint> Endpoints { get; }

    /// <inheritdoc/>
    public ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        ThrowIfDisposed();
        return SendAsync(flumeEvent, null, 1, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ThrowIfDisposed();
        if (events.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        return events.Count <= BatchSize ? SendAsync(null, events, events.Count, cancellationToken) : SendChunksAsync(events, cancellationToken);
    }

    /// <summary>Disposes every host's client once; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var endpoint in Endpoints)
        {
            await endpoint.DisposeAsync();
        }
    }

    /// <summary>
    /// Delivers <paramref name="single"/> with <c>append</c>, or else <paramref name="batch"/> with
    /// <c>appendBatch</c>, to some host, or throws <see cref="EventDeliveryException"/> naming each host's cause.
    /// </summary>
    private protected abstract ValueTask SendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int eventCount, CancellationToken cancellationToken);

    /// <summary>How long until the first host's backoff ends: zero when some host may be tried now.</summary>
    private protected TimeSpan RetryAfter()
    {
        var soonest = TimeSpan.MaxValue;
        foreach (var endpoint in Endpoints)
        {
            var remaining = endpoint.BackoffRemaining();
            if (remaining < soonest)
            {
                soonest = remaining;
            }
        }

        return soonest;
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    private protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private async ValueTask SendChunksAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < events.Count; offset += BatchSize)
        {
            var count = Math.Min(BatchSize, events.Count - offset);
            await SendAsync(null, new EventListSlice(events, offset, count), count, cancellationToken);
        }
    }
}
