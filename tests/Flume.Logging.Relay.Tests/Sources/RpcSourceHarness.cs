using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources;

/// <summary>Starts an avro or thrift source on 127.0.0.1, port 0, in front of a channel processor.</summary>
internal static class RpcSourceHarness
{
    /// <param name="processor">Where the source puts what it receives.</param>
    /// <param name="thrift">A thrift source rather than an avro one.</param>
    /// <param name="timeProvider">The source's clock (default: the system's).</param>
    /// <param name="logger">The source's log (default: none).</param>
    public static async Task<RpcSource> StartAsync(ChannelProcessor processor, bool thrift, TimeProvider? timeProvider = null, ILogger<RpcSource>? logger = null)
    {
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0 };
        var source = new RpcSource(
            "r1",
            processor,
            receiver => thrift
                ? ThriftRpc.CreateServer("thrift source r1", options, receiver, NullLoggerFactory.Instance)
                : AvroRpc.CreateServer("avro source r1", options, receiver, NullLoggerFactory.Instance),
            timeProvider ?? TimeProvider.System,
            logger ?? NullLogger<RpcSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    /// <summary>A client of <paramref name="source"/> that sends batches of up to 1,000 events.</summary>
    public static IRpcClient Client(RpcSource source, bool thrift)
    {
        var options = new RpcClientOptions { ClientType = thrift ? RpcClientType.Thrift : RpcClientType.Default, BatchSize = 1000 };
        options.Hosts.Add(new RpcHost("r1", "127.0.0.1", source.LocalEndPoint.Port));
        return RpcClients.Create(options);
    }
}
