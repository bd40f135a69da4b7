using Flume.Logging.Rpc.Compression;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Avro;

/// <summary>Builds Avro RPC servers (Flume's <c>avro</c> source) and single-host clients (Flume's default client).</summary>
public static class AvroRpc
{
    /// <summary>
    /// Creates a server for Flume's AvroSourceProtocol; <paramref name="name"/> is what its log lines call it
    /// (e.g. <c>avro source r1</c>). Start it with <see cref="IRpcServer.StartAsync"/>.
    /// </summary>
    public static IRpcServer CreateServer(string name, RpcServerOptions options, IEventReceiver receiver, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        var handler = new AvroConnectionHandler(name, receiver, options.Limits, options.ConnectionObserver, loggerFactory.CreateLogger<AvroConnectionHandler>());
        var wrap = options.Compression == CompressionType.Deflate ? ZLibDuplexStream.Wrapper(options.CompressionLevel) : null;
        return new TcpServer(name, options, handler, wrap, loggerFactory.CreateLogger<TcpServer>());
    }

    /// <summary>
    /// Creates an Avro client of one host. It connects on first use; <paramref name="timeProvider"/> (default: the
    /// system clock) times requests and the connection reset interval. Only the per-connection settings of
    /// <paramref name="options"/> are used: its host list is ignored.
    /// </summary>
    public static IRpcClient CreateClient(RpcHost host, RpcClientOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.ValidateConnection();
        return new AvroRpcClient(host, options, loggerFactory.CreateLogger<AvroRpcClient>(), timeProvider ?? TimeProvider.System);
    }
}
