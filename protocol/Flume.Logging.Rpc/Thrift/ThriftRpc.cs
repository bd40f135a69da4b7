using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Thrift;

/// <summary>Builds Flume Thrift RPC endpoints: a ThriftSource-compatible server and a ThriftRpcClient-compatible client.</summary>
public static class ThriftRpc
{
    /// <summary>
    /// Creates a framed Thrift server speaking <see cref="RpcServerOptions.ThriftProtocol"/> that hands requests to
    /// <paramref name="receiver"/>. <paramref name="name"/> names it in log lines (for example <c>thrift source r1</c>).
    /// Throws <see cref="ArgumentException"/> for invalid options, including compression, which Thrift sources lack.
    /// </summary>
    public static IRpcServer CreateServer(string name, RpcServerOptions options, IEventReceiver receiver, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        if (options.Compression != CompressionType.None)
        {
            throw new ArgumentException($"compression-type {options.Compression} is not available on a Thrift server", nameof(options));
        }

        var handler = new ThriftConnectionHandler(name, ToWire(options.ThriftProtocol), options.Limits, receiver, options.ConnectionObserver, loggerFactory.CreateLogger<ThriftConnectionHandler>());
        return new TcpServer(name, options, handler, null, loggerFactory.CreateLogger<TcpServer>());
    }

    /// <summary>
    /// Creates a Thrift client of <paramref name="host"/> using the batch size, timeouts, protocol, reset interval
    /// and limits of <paramref name="options"/> (its host list is not used). It connects on first use.
    /// Throws <see cref="ArgumentException"/> naming an invalid setting.
    /// </summary>
    public static IRpcClient CreateClient(RpcHost host, RpcClientOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.ValidateConnection();
        return new ThriftRpcClient(host, options, loggerFactory.CreateLogger<ThriftRpcClient>(), timeProvider ?? TimeProvider.System);
    }

    internal static ThriftWireProtocol ToWire(ThriftProtocolKind kind) =>
        kind == ThriftProtocolKind.Binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
}
