using System.Buffers;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// The avro source's side of a connection: Netty frames, the handshake request (and the client's protocol JSON when
/// it sends one), then call requests, through the real connection handler.
/// </summary>
internal sealed class AvroServerTarget : IFuzzTarget
{
    // Small caps so inputs the fuzzer can write reach the limit checks.
    private static readonly RpcLimits Limits = new() { MaxFrameLength = 64 * 1024, MaxBufferCount = 16, MaxBatchSize = 50 };

    public string Name => "avro-server";

    public void Run(byte[] input)
    {
        var handler = new AvroConnectionHandler("fuzz", AcceptingReceiver.Instance, Limits, observer: null, NullLogger.Instance);
        var connection = FakeConnection.Create(FuzzInput.Data(input), FuzzInput.SegmentLength(FuzzInput.Control(input)));
        ((Rpc.Transport.IConnectionHandler)handler).RunAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
        connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public IEnumerable<byte[]> Seeds()
    {
        var events = new[]
        {
            FlumeEvent.FromText("hello"),
            FlumeEvent.FromText("with headers", new Dictionary<string, string> { ["host"] = "web-1", ["timestamp"] = "1764892800000" }),
        };
        foreach (var sendProtocol in new[] { false, true })
        {
            var message = new ArrayBufferWriter<byte>();
            new AvroHandshakeRequest(AvroSourceProtocol.Hash, sendProtocol ? AvroSourceProtocol.Text : null, AvroSourceProtocol.Hash).Write(message);
            AvroCall.WriteAppendBatchRequest(message, events, 0, events.Length);
            var frames = new ArrayBufferWriter<byte>();
            NettyFrame.Write(frames, 1, message.WrittenSpan);
            message.Clear();
            AvroCall.WriteAppendRequest(message, events[1]);
            NettyFrame.Write(frames, 2, message.WrittenSpan);
            yield return FuzzInput.With(0, frames.WrittenSpan);
            yield return FuzzInput.With(3, frames.WrittenSpan);
        }
    }
}
