using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Avro;

/// <summary>Our Avro server on 127.0.0.1 with a recording receiver and captured logs.</summary>
internal sealed class AvroServerFixture : IAsyncDisposable
{
    private AvroServerFixture(IRpcServer server, RecordingReceiver receiver, CapturingLoggerFactory logs)
    {
        Server = server;
        Receiver = receiver;
        Logs = logs;
    }

    public IRpcServer Server { get; }

    public RecordingReceiver Receiver { get; }

    public CapturingLoggerFactory Logs { get; }

    public int Port => Server.LocalEndPoint.Port;

    public static async Task<AvroServerFixture> StartAsync(
        CompressionType compression = CompressionType.None,
        int port = 0,
        RecordingReceiver? receiver = null,
        CapturingLoggerFactory? logs = null)
    {
        receiver ??= new RecordingReceiver();
        logs ??= new CapturingLoggerFactory();
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = port, Compression = compression };
        var server = AvroRpc.CreateServer("avro source test", options, receiver, logs);
        await server.StartAsync(CancellationToken.None);
        return new AvroServerFixture(server, receiver, logs);
    }

    public RpcHost Host => new("h1", "127.0.0.1", Port);

    public IRpcClient CreateClient(Action<RpcClientOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new RpcClientOptions { ConnectTimeout = TimeSpan.FromSeconds(10), RequestTimeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return AvroRpc.CreateClient(Host, options, Logs, timeProvider);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
