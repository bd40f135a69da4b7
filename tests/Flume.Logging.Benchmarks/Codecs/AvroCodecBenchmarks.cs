using System.Buffers;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Rpc;

namespace Flume.Logging.Benchmarks.Codecs;

/// <summary>
/// Avro <c>appendBatch</c> of 100 events: the client's encode (call request, then the Netty frame) and the server's
/// decode (frame scan, message copy, call decode into <see cref="FlumeEvent"/>s, owned or borrowed), after the
/// handshake.
/// </summary>
[MemoryDiagnoser]
public class AvroCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _request = new(16 * 1024);
    private readonly RpcLimits _limits = new();
    private FlumeEvent[] _events = [];
    private ReadOnlySequence<byte> _frame;

    /// <summary>Headers per event.</summary>
    [Params(0, 3)]
    public int Headers { get; set; }

    /// <summary>Builds the batch and the frame the decode benchmarks read.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _events = Batches.Create(Headers);
        Encode();
        _frame = new ReadOnlySequence<byte>(_request.WrittenMemory.ToArray());
        if (Decode() != Batches.Size || DecodeBorrowed() != Batches.Size)
        {
            throw new InvalidOperationException("the encoded batch does not decode to the same number of events");
        }
    }

    /// <summary>
    /// Encodes the call request behind room for the frame header, then fills the header in, as the Avro client does
    /// per batch; returns the frame length.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Encode()
    {
        _request.ResetWrittenCount();
        _request.GetSpan(NettyFrame.SingleBufferHeaderLength);
        _request.Advance(NettyFrame.SingleBufferHeaderLength);
        AvroCall.WriteAppendBatchRequest(_request, _events, 0, _events.Length);
        var frame = MemoryMarshal.AsMemory(_request.WrittenMemory);
        NettyFrame.WriteHeader(frame.Span, 1, frame.Length - NettyFrame.SingleBufferHeaderLength);
        return frame.Length;
    }

    /// <summary>Finds the frame, copies its message to a pooled buffer and decodes the call, as the Avro server does.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Decode()
    {
        var (frame, length) = ScanFrame();
        var message = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            NettyFrame.CopyMessage(frame, message);
            return DecodeCall(message.AsSpan(0, length), borrowFrom: null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }

    /// <summary>
    /// The relay's path: the message copied into a pooled <see cref="EventBuffer"/> whose event objects are reused
    /// and whose bytes the events borrow, then released, which returns both to their pools for the next request.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int DecodeBorrowed()
    {
        var (frame, length) = ScanFrame();
        var message = EventBuffer.Rent(length);
        try
        {
            NettyFrame.CopyMessage(frame, message.Memory.Span);
            return DecodeCall(message.Memory.Span, message);
        }
        finally
        {
            message.Release();
        }
    }

    /// <summary>The server's frame scan: the frame's buffers and its message length.</summary>
    private (ReadOnlySequence<byte> Frame, int Length) ScanFrame()
    {
        var status = NettyFrame.TryRead(_frame, _limits.MaxBufferCount, _limits.MaxFrameLength, out _, out var frame, out var length, out _);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException($"frame scan answered {status}");
        }

        return (frame, length);
    }

    /// <summary>Decodes the call in <paramref name="message"/>; returns how many events it carried.</summary>
    private int DecodeCall(ReadOnlySpan<byte> message, EventBuffer? borrowFrom)
    {
        var reader = new AvroReader(message);
        if (AvroCall.ReadRequest(ref reader, _limits.MaxBatchSize, out var request, borrowFrom) != OperationStatus.Done)
        {
            throw new InvalidOperationException($"call decode failed: {reader.Error}");
        }

        return request!.Events!.Count;
    }
}
