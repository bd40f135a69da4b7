using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Clients;

/// <summary>Builds the client <c>client.type</c> asks for, as Flume's <c>RpcClientFactory</c> does.</summary>
internal static class RpcClientFactory
{
    /// <summary>
    /// Validates <paramref name="options"/>, then returns a <see cref="FailoverRpcClient"/> or a
    /// <see cref="LoadBalancingRpcClient"/> over clients made by <paramref name="hostClientFactory"/>, or for
    /// the single-host types the factory's client for the one host.
    /// </summary>
    internal static IRpcClient Create(RpcClientOptions options, Func<RpcHost, IRpcClient> hostClientFactory, ILoggerFactory loggerFactory, TimeProvider timeProvider, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostClientFactory);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        return options.ClientType switch
        {
            RpcClientType.DefaultFailover => new FailoverRpcClient(options, hostClientFactory, loggerFactory, timeProvider),
            RpcClientType.DefaultLoadBalance => new LoadBalancingRpcClient(options, hostClientFactory, loggerFactory, timeProvider, random),
            _ => hostClientFactory(options.Hosts[0]),
        };
    }
}
