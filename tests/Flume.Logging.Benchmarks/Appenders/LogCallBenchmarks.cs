using BenchmarkDotNet.Attributes;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Benchmarks.Appenders;

/// <summary>
/// What one log call costs the application thread: handing the record to the appender's queue, as the Serilog sink
/// and the Microsoft.Extensions.Logging provider do (the delivery loop builds the event with Flume's log4j headers). With the relay up, an in-process Avro server drains the queue as fast as it can; with
/// the relay down, the queue is full and the call drops (DropNewest), which must stay as cheap.
/// </summary>
[MemoryDiagnoser]
public class LogCallBenchmarks
{
    private const int CallsPerInvoke = 1000;
    private FlumeDelivery _delivery = null!;
    private FlumeEventFactory _factory = null!;
    private IRpcServer? _server;
    private FlumeLogRecord _record;

    /// <summary>Whether a relay is listening (true) or the port is dead (false).</summary>
    [Params(true, false)]
    public bool RelayUp { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var port = 0;
        if (RelayUp)
        {
            _server = AvroRpc.CreateServer("bench relay", new RpcServerOptions { Bind = "127.0.0.1", Port = 0 }, new Accept(), NullLoggerFactory.Instance);
            _server.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            port = _server.LocalEndPoint.Port;
        }
        else
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var options = new FlumeAppenderOptions { Hosts = $"127.0.0.1:{port}", Overflow = OverflowMode.DropNewest, ConnectTimeout = TimeSpan.FromMilliseconds(200) };
        _delivery = new FlumeDelivery(options);
        _factory = new FlumeEventFactory(options, "bench-host");
        _record = new FlumeLogRecord("Benchmarks.Orders", FlumeLogLevel.Info, DateTimeOffset.UtcNow, "order 42 shipped to warehouse 7 in 153 ms");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _delivery.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One log call: create the event and enqueue it (reported per call).</summary>
    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public bool LogCall()
    {
        var accepted = false;
        for (var i = 0; i < CallsPerInvoke; i++)
        {
            accepted = _delivery.TryEnqueue(_record, _factory);
        }

        return accepted;
    }

    private sealed class Accept : IEventReceiver
    {
        public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) => ValueTask.FromResult(EventStatus.Ok);

        public ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken) => ValueTask.FromResult(EventStatus.Ok);
    }
}
