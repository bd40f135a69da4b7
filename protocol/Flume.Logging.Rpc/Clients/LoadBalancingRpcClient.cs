using System.Buffers;
using System.Runtime.CompilerServices;
using Flume.Logging.Protocol;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// Flume's <c>default_loadbalance</c> client: each call orders the available hosts with the host selector and
/// tries them in that order until one accepts the events. With <c>backoff</c> a failed host is left out for
/// 1 s, doubling per failure in a row up to <c>maxBackoff</c>, and a call finding every host backed off fails at
/// once without calling any.
/// </summary>
internal sealed class LoadBalancingRpcClient : MultiHostRpcClient
{
    private readonly IHostOrder _order;

    /// <summary>Creates the client; host clients are made through <paramref name="hostClientFactory"/> on first use.</summary>
    internal LoadBalancingRpcClient(RpcClientOptions options, Func<RpcHost, IRpcClient> hostClientFactory, ILoggerFactory loggerFactory, TimeProvider timeProvider, Random random)
        : base(
            options,
            hostClientFactory,
            options is { Backoff: true } ? options.MaxBackoff : TimeSpan.Zero,
            timeProvider,
            (loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory))).CreateLogger<LoadBalancingRpcClient>())
    {
        ArgumentNullException.ThrowIfNull(random);
        _order = options.HostSelector == HostSelectorKind.Random ? new RandomHostOrder(random) : new RoundRobinHostOrder();
    }

    /// <inheritdoc/>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private protected override async ValueTask SendAsync(FlumeEvent? single, IReadOnlyList<FlumeEvent>? batch, int eventCount, CancellationToken cancellationToken)
    {
        var endpoints = Endpoints;
        var order = ArrayPool<int>.Shared.Rent(endpoints.Count);
        try
        {
            var available = 0;
            for (var i = 0; i < endpoints.Count; i++)
            {
                if (!endpoints[i].IsBackedOff())
                {
                    order[available++] = i;
                }
            }

            if (available == 0)
            {
                throw AllBackedOff(eventCount);
            }

            _order.Order(order.AsSpan(0, available));
            HostFailures? failures = null;
            for (var k = 0; k < available; k++)
            {
                ThrowIfDisposed();
                cancellationToken.ThrowIfCancellationRequested();
                var endpoint = endpoints[order[k]];

                // A concurrent caller may have seen it fail since the order was made.
                if (endpoint.IsBackedOff())
                {
                    (failures ??= new()).Skipped(endpoint.Host, endpoint.BackoffRemaining());
                    continue;
                }

                var cause = await endpoint.TrySendAsync(single, batch, cancellationToken);
                if (cause is null)
                {
                    return;
                }

                (failures ??= new()).Failed(endpoint.Host, cause);
            }

            throw failures!.ToException(eventCount, RetryAfter());
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private EventDeliveryException AllBackedOff(int eventCount)
    {
        var failures = new HostFailures();
        foreach (var endpoint in Endpoints)
        {
            failures.Skipped(endpoint.Host, endpoint.BackoffRemaining());
        }

        return failures.ToException(eventCount, RetryAfter());
    }
}
