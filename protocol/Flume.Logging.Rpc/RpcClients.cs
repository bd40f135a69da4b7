using System.Diagnostics.CodeAnalysis;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Clients;
using Flume.Logging.Rpc.Thrift;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Rpc;

/// <summary>Builds RPC clients from options or from Flume SDK client properties, as Flume's <c>RpcClientFactory</c>.</summary>
public static class RpcClients
{
    /// <summary>
    /// The client <paramref name="options"/> describe: Avro or Thrift to one host, or failover / load balancing over
    /// several (each host Avro, or Thrift when <see cref="RpcClientOptions.UseThrift"/>). Throws
    /// <see cref="ArgumentException"/> naming the first invalid setting.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter's type, so no call binds ambiguously; both ship together in 1.0.")]
    public static IRpcClient Create(RpcClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logging = loggerFactory ?? NullLoggerFactory.Instance;
        var time = timeProvider ?? TimeProvider.System;
        var thrift = options.ClientType == RpcClientType.Thrift || (options.UseThrift && options.ClientType != RpcClientType.Default);
        return RpcClientFactory.Create(
            options,
            host => thrift ? ThriftRpc.CreateClient(host, options, logging, time) : AvroRpc.CreateClient(host, options, logging, time),
            logging,
            time,
            Random.Shared);
    }

    /// <summary>Builds the client described by Flume SDK client properties (<c>client.type</c>, <c>hosts</c>, ...).</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter's type, so no call binds ambiguously; both ship together in 1.0.")]
    public static IRpcClient Create(IReadOnlyDictionary<string, string> properties, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        Create(RpcClientProperties.Parse(properties), loggerFactory, timeProvider);
}
