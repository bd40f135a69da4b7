using System.Runtime.CompilerServices;
using Flume.Logging.Protocol;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// Flume's <c>default_failover</c> client: sends to the current host (the first configured one to begin with)
/// while it works; when a call fails there, the same events are retried on the following hosts in configured
/// order, wrapping around, up to <c>max-attempts</c> hosts per call, and the host that accepts them becomes
/// current. A failed host is skipped for 1 s, doubling per failure in a row up to <c>maxBackoff</c>; each host is
/// tried at most once per call.
/// </summary>
internal sealed class FailoverRpcClient : MultiHostRpcClient
{
    private readonly int _maxAttempts;
    private int _current;

    /// <summary>Creates the client; host clients are made through <paramref name="hostClientFactory"/> on first use.</summary>
    internal FailoverRpcClient(RpcClientOptions options, Func<RpcHost, IRpcClient> hostClientFactory, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : base(
            options,
            hostClientFactory,
            options?.MaxBackoff ?? TimeSpan.Zero,
            timeProvider,
            (loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory))).CreateLogger<FailoverRpcClient>())
    {
        _maxAttempts = Math.Min(options!.MaxAttempts ?? options.Hosts.Count, options.Hosts.Count);
    }

    /// <inheritdoc/>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private protected override async ValueTask SendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int eventCount, CancellationToken cancellationToken)
    {
        var endpoints = Endpoints;
        var start = Volatile.Read(ref _current);
        var attempts = 0;
        HostFailures? failures = null;
        for (var k = 0; k < endpoints.Count && attempts < _maxAttempts; k++)
        {
            ThrowIfDisposed();
            cancellationToken.ThrowIfCancellationRequested();
            var index = (start + k) % endpoints.Count;
            var endpoint = endpoints[index];
            if (endpoint.IsBackedOff())
            {
                (failures ??= new()).Skipped(endpoint.Host, endpoint.BackoffRemaining());
                continue;
            }

            attempts++;
            var cause = await endpoint.TrySendAsync(single, batch, cancellationToken);
            if (cause is null)
            {
                if (index != start)
                {
                    Volatile.Write(ref _current, index);
                }

                return;
            }

            (failures ??= new()).Failed(endpoint.Host, cause);
        }

        // Every host was either skipped or tried (at least one, as max-attempts is at least 1), so failures is set.
        throw failures!.ToException(eventCount, RetryAfter());
    }
}
