using System.Buffers;
using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Thrift;

namespace Flume.Logging.Benchmarks.Codecs;

/// <summary>
/// Thrift <c>appendBatch</c> of 100 events in both of Flume's protocols: the client's encode (call, then the frame)
/// and the server's decode (frame scan, frame bytes as one span, call decode into <see cref="FlumeEvent"/>s).
/// </summary>
[MemoryDiagnoser]
public class ThriftCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _message = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _output = new(16 * 1024);
    private readonly RpcLimits _limits = new();
    private ThriftWireProtocol _wire;
    private FlumeEvent[] _events = [];
    private ReadOnlySequence<byte> _frame;

    /// <summary>Thrift protocol inside the frame.</summary>
    [Params(ThriftProtocolKind.Compact, ThriftProtocolKind.Binary)]
    public ThriftProtocolKind Protocol { get; set; }

    /// <summary>Headers per event.</summary>
    [Params(0, 3)]
    public int Headers { get; set; }

    /// <summary>Builds the batch and the frame the decode benchmark reads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _wire = ThriftRpc.ToWire(Protocol);
        _events = Batches.Create(Headers);
        Encode();
        _frame = new ReadOnlySequence<byte>(_output.WrittenMemory.ToArray());
        if (Decode() != Batches.Size)
        {
            throw new InvalidOperationException("the encoded batch does not decode to the same number of events");
        }
    }

    /// <summary>Encodes the call and frames it, as the Thrift client does per batch; returns the frame length.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Encode()
    {
        _message.ResetWrittenCount();
        ThriftMessageCodec.WriteAppendBatchCall(_wire, _message, 1, _events, 0, _events.Length);
        _output.ResetWrittenCount();
        ThriftFraming.WriteFrame(_output, _message.WrittenSpan);
        return _output.WrittenCount;
    }

    /// <summary>Finds the frame and decodes the call from its bytes, as the Thrift server does.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Decode()
    {
        var status = ThriftFraming.TryReadFrame(_frame, _limits.MaxFrameLength, out var frame, out var error);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException($"frame scan answered {status}: {error}");
        }

        using var bytes = new ThriftFrameSpan(frame);
        if (ThriftMessageCodec.DecodeCall(_wire, bytes.Span, _limits.MaxBatchSize, out var call, out error) != OperationStatus.Done)
        {
            throw new InvalidOperationException($"call decode failed: {error}");
        }

        return call.Events!.Count;
    }
}
