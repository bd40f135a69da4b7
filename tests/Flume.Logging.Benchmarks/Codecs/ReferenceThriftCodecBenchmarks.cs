using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol.Tests.Thrift.Oracle.Generated;
using Flume.Logging.Rpc;
using Thrift;
using Thrift.Protocol;
using Thrift.Protocol.Entities;
using Thrift.Transport;
using Thrift.Transport.Client;

namespace Flume.Logging.Benchmarks.Codecs;

/// <summary>
/// Apache Thrift's generated <c>appendBatch_args</c> on the ApacheThrift runtime, writing and reading the same call
/// of 100 events that <see cref="ThriftCodecBenchmarks"/> handles by hand, framed as Flume frames it (over memory, no
/// socket). The ThriftFlumeEvent objects are built once outside the measurement.
/// </summary>
[MemoryDiagnoser]
public class ReferenceThriftCodecBenchmarks
{
    private readonly TConfiguration _configuration = new();
    private ThriftSourceProtocol.InternalStructs.appendBatch_args _args = null!;
    private byte[] _frame = [];

    /// <summary>Thrift protocol inside the frame.</summary>
    [Params(ThriftProtocolKind.Compact, ThriftProtocolKind.Binary)]
    public ThriftProtocolKind Protocol { get; set; }

    /// <summary>Headers per event.</summary>
    [Params(0, 3)]
    public int Headers { get; set; }

    /// <summary>Builds the generated structs and the frame the decode benchmark reads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _args = new ThriftSourceProtocol.InternalStructs.appendBatch_args
        {
            Events = Batches.Create(Headers).Select(e => new ThriftFlumeEvent(new Dictionary<string, string>(e.Headers, StringComparer.Ordinal), e.Body.ToArray())).ToList(),
        };
        _frame = EncodeAsync().GetAwaiter().GetResult();
        if (DecodeAsync().GetAwaiter().GetResult() != Batches.Size)
        {
            throw new InvalidOperationException("the encoded batch does not decode to the same number of events");
        }
    }

    /// <summary>Writes the call and its frame, as the generated client's send_appendBatch does.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public async Task<byte[]> EncodeAsync()
    {
        using var memory = new TMemoryBufferTransport(_configuration);
        using var framed = new TFramedTransport(memory);
        var protocol = Wrap(framed);
        await protocol.WriteMessageBeginAsync(new TMessage("appendBatch", TMessageType.Call, 1));
        await _args.WriteAsync(protocol, CancellationToken.None);
        await protocol.WriteMessageEndAsync();
        await framed.FlushAsync(CancellationToken.None);
        return memory.GetBuffer();
    }

    /// <summary>Reads the frame and the call back into 100 generated events, as the generated processor does.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public async Task<int> DecodeAsync()
    {
        using var memory = new TMemoryBufferTransport(_frame, _configuration);
        using var framed = new TFramedTransport(memory);
        var protocol = Wrap(framed);
        await protocol.ReadMessageBeginAsync();
        var args = new ThriftSourceProtocol.InternalStructs.appendBatch_args();
        await args.ReadAsync(protocol, CancellationToken.None);
        await protocol.ReadMessageEndAsync();
        return args.Events.Count;
    }

    private TProtocol Wrap(TTransport transport) =>
        Protocol == ThriftProtocolKind.Compact ? new TCompactProtocol(transport) : new TBinaryProtocol(transport);
}
