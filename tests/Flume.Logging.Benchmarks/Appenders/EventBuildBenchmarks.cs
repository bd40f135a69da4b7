using System.Buffers;
using BenchmarkDotNet.Attributes;
using Flume.Logging.Appenders;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Benchmarks.Appenders;

/// <summary>
/// The two halves of an appender's work per log call, after the framework has rendered it: <see cref="Pack"/>, on the
/// application's thread, encodes the call's event (Flume's log4j headers, the host, the call's properties as headers,
/// the UTF-8 body) into the thread's chunk; <see cref="Encode"/>, on the delivery loop, turns 100 packed events into
/// the Avro <c>appendBatch</c> request and its frame.
/// </summary>
[MemoryDiagnoser]
public class EventBuildBenchmarks
{
    private readonly ArrayBufferWriter<byte> _request = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly List<FlumeEvent> _events = new(Batches.Size);
    private readonly PackedEvent[] _packed = new PackedEvent[Batches.Size];
    private FlumeLogRecord[] _records = [];
    private FlumeEventFactory _factory = null!;

    /// <summary>
    /// Properties per call, sent as headers: 0 (NLog, log4net, Serilog by default) or 5 (Microsoft.Extensions.Logging:
    /// event id and name, and three template values).
    /// </summary>
    [Params(0, 5)]
    public int Properties { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1", PropertiesAsHeaders = Properties > 0 }, "bench-host.example.com");
        _records = new FlumeLogRecord[Batches.Size];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < _records.Length; i++)
        {
            KeyValuePair<string, object?>[]? properties = Properties == 0 ? null :
            [
                new("EventId", 1),
                new("EventName", "Shipped"),
                new("OrderId", 1000 + i),
                new("Warehouse", 7),
                new("Ms", 153),
            ];
            _records[i] = new FlumeLogRecord("Benchmarks.Orders", FlumeLogLevel.Info, now, $"order {1000 + i} shipped to warehouse 7 in 153 ms", Properties: properties);
        }

        Pack();
    }

    /// <summary>Packs 100 calls' events, as the log calls do, and frees them, as the loop does once they are sent.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Pack()
    {
        var length = 0;
        for (var i = 0; i < _records.Length; i++)
        {
            _packed[i].Release();
            _packed[i] = _factory.Pack(_records[i], null);
            length += _packed[i].Length;
        }

        return length;
    }

    /// <summary>Encodes the request of 100 packed events and frames it, as the loop does per batch; returns the frame length.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Encode()
    {
        _events.Clear();
        foreach (var packed in _packed)
        {
            _events.Add(packed.ToEvent());
        }

        _request.ResetWrittenCount();
        AvroCall.WriteAppendBatchRequest(_request, _events, 0, _events.Count);
        _output.ResetWrittenCount();
        NettyFrame.Write(_output, 1, _request.WrittenSpan);
        return _output.WrittenCount;
    }
}
