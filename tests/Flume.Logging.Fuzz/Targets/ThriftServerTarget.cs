using System.Buffers;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Thrift;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// The thrift source's side of a connection in one wire protocol: frames, then calls (append, appendBatch, unknown
/// methods), through the real connection handler; and the same frames read as replies, as the thrift sink reads them.
/// </summary>
internal sealed class ThriftServerTarget(ThriftWireProtocol protocol) : IFuzzTarget
{
    private static readonly RpcLimits Limits = new() { MaxFrameLength = 64 * 1024, MaxBatchSize = 50 };

    public string Name => protocol == ThriftWireProtocol.Compact ? "thrift-compact" : "thrift-binary";

    public void Run(byte[] input)
    {
        var data = FuzzInput.Data(input);
        var segmentLength = FuzzInput.SegmentLength(FuzzInput.Control(input));
        var handler = new ThriftConnectionHandler("fuzz", protocol, Limits, AcceptingReceiver.Instance, observer: null, NullLogger.Instance);
        var connection = FakeConnection.Create(data, segmentLength);
        ((Rpc.Transport.IConnectionHandler)handler).RunAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
        connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

        // The client's side: the same frames as replies to appendBatch call 1.
        var buffer = FuzzInput.Sequence(data, segmentLength);
        while (ThriftFraming.TryReadFrame(buffer, Limits.MaxFrameLength, out var frame, out _) == OperationStatus.Done)
        {
            using (var bytes = new ThriftFrameSpan(frame))
            {
                ThriftMessageCodec.DecodeReply(protocol, bytes.Span, ThriftMessageCodec.AppendBatchName, 1, out _, out _);
            }

            buffer = buffer.Slice(frame.End);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var events = new[]
        {
            FlumeEvent.FromText("hello"),
            FlumeEvent.FromText("with headers", new Dictionary<string, string> { ["host"] = "web-1" }),
        };
        var message = new ArrayBufferWriter<byte>();
        var frames = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteAppendBatchCall(protocol, message, 1, events, 0, events.Length);
        ThriftFraming.WriteFrame(frames, message.WrittenSpan);
        message.Clear();
        ThriftMessageCodec.WriteAppendCall(protocol, message, 2, events[1]);
        ThriftFraming.WriteFrame(frames, message.WrittenSpan);
        yield return FuzzInput.With(0, frames.WrittenSpan);

        frames.Clear();
        message.Clear();
        ThriftMessageCodec.WriteReply(protocol, message, ThriftMessageCodec.AppendBatchName, 1, EventStatus.Ok);
        ThriftFraming.WriteFrame(frames, message.WrittenSpan);
        message.Clear();
        ThriftMessageCodec.WriteApplicationException(protocol, message, ThriftMessageCodec.AppendBatchName, 1, "unknown method", 1);
        ThriftFraming.WriteFrame(frames, message.WrittenSpan);
        yield return FuzzInput.With(5, frames.WrittenSpan);
    }
}
