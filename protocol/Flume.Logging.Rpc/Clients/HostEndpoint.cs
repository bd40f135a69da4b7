using System.Runtime.CompilerServices;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// One host of a failover or load-balancing client: its client, created lazily through the factory and reused
/// until it fails or turns inactive (then disposed and recreated on next use), and its backoff. Thread-safe.
/// </summary>
internal sealed class HostEndpoint : IAsyncDisposable
{
    private readonly Func<RpcHost, IRpcClient> _factory;
    private readonly FailureBackoff _backoff;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private IRpcClient? _client;
    private bool _disposed;

    /// <summary>
    /// Creates the endpoint of <paramref name="host"/>. A <paramref name="maxBackoff"/> of zero keeps the host
    /// in use after failures.
    /// </summary>
    internal HostEndpoint(RpcHost host, Func<RpcHost, IRpcClient> factory, TimeSpan maxBackoff, TimeProvider timeProvider, ILogger logger)
    {
        Host = host;
        _factory = factory;
        _backoff = new FailureBackoff(HostPolicy(maxBackoff), timeProvider);
        _logger = logger;
    }

    /// <summary>Flume's host backoff: 1 s after the first failure in a row, doubling up to <paramref name="maxBackoff"/>.</summary>
    internal static BackoffPolicy HostPolicy(TimeSpan maxBackoff) => BackoffPolicy.Exponential(TimeSpan.FromSeconds(1), maxBackoff);

    /// <summary>The host this endpoint sends to.</summary>
    internal RpcHost Host { get; }

    /// <summary>True while the host is skipped after a failure.</summary>
    internal bool IsBackedOff() => _backoff.IsBackedOff();

    /// <summary>How long the host is still skipped.</summary>
    internal TimeSpan BackoffRemaining() => _backoff.Remaining();

    /// <summary>
    /// Sends <paramref name="single"/> with <c>append</c>, or else <paramref name="batch"/> with <c>appendBatch</c>.
    /// Returns null when the host accepted them, or the cause when it did not (the host is then backed off and its
    /// client discarded). Throws only when <paramref name="cancellationToken"/> is cancelled or the endpoint
    /// was disposed.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<Exception?> TrySendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, CancellationToken cancellationToken)
    {
        IRpcClient? client = null;
        try
        {
            client = GetClient(out var stale);
            if (stale is not null)
            {
                await CloseAsync(stale);
            }

            if (single is not null)
            {
                await client.AppendAsync(single, cancellationToken);
            }
            else
            {
                await client.AppendBatchAsync(batch!, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsDisposed())
        {
            throw new ObjectDisposedException($"the client of RPC host {Host} was disposed", e);
        }
        catch (Exception e)
        {
            // Any failure of one host (refused, timed out, broken, a non-OK status, a factory that cannot build a
            // client) is a reason to try the next host, as Flume's load-balancing client does; the caller reports
            // the cause if no host takes the events.
            if (client is not null)
            {
                await DiscardAsync(client);
            }

            RecordFailure(e);
            return e;
        }

        if (_backoff.RecordSuccess() is var failures and > 0)
        {
            ClientLog.HostRecovered(_logger, Host, failures);
        }

        return null;
    }

    /// <summary>Disposes the current client, if any; later sends throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        IRpcClient? client;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            client = _client;
            _client = null;
        }

        if (client is not null)
        {
            await CloseAsync(client);
        }
    }

    /// <summary>
    /// The host's client, made now if there is none or if the one there says it can no longer be used (as Flume's
    /// failover client checks <c>isActive</c>); that one is handed back in <paramref name="stale"/> to be closed.
    /// </summary>
    private IRpcClient GetClient(out IRpcClient? stale)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            stale = null;
            if (_client is { IsActive: false })
            {
                stale = _client;
                _client = null;
            }

            return _client ??= _factory(Host);
        }
    }

    private bool IsDisposed()
    {
        lock (_lock)
        {
            return _disposed;
        }
    }

    private async ValueTask DiscardAsync(IRpcClient client)
    {
        lock (_lock)
        {
            // A concurrent caller may already have replaced it; only the caller that removes a client closes it,
            // so each client is disposed exactly once.
            if (!ReferenceEquals(_client, client))
            {
                return;
            }

            _client = null;
        }

        await CloseAsync(client);
    }

    private async ValueTask CloseAsync(IRpcClient client)
    {
        try
        {
            await client.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The client is dropped either way; a failure to close it must not hide the delivery outcome.
            ClientLog.CloseFailed(_logger, Host, e);
        }
    }

    private void RecordFailure(Exception cause)
    {
        if (!_backoff.TryRecordFailure(out var delay, out var failures))
        {
            return;
        }

        if (delay > TimeSpan.Zero)
        {
            ClientLog.HostBackedOff(_logger, Host, failures, delay.TotalSeconds, cause.Message, cause);
        }
        else if (failures == 1)
        {
            ClientLog.HostFailed(_logger, Host, cause.Message, cause);
        }
    }
}
