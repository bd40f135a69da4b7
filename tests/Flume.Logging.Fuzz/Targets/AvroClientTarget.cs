using System.Buffers;
using Flume.Logging.Protocol;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// What the avro sink and the appenders read from a server: Netty frames, the handshake response in the first one,
/// then call responses, decoded as the RPC client decodes them.
/// </summary>
internal sealed class AvroClientTarget : IFuzzTarget
{
    private const int MaxBufferCount = 16;
    private const int MaxMessageLength = 64 * 1024;

    public string Name => "avro-client";

    public void Run(byte[] input)
    {
        var buffer = FuzzInput.Sequence(FuzzInput.Data(input), FuzzInput.SegmentLength(FuzzInput.Control(input)));
        var handshakeDone = false;
        while (NettyFrame.TryRead(buffer, MaxBufferCount, MaxMessageLength, out _, out var frame, out var length, out _) == OperationStatus.Done)
        {
            var message = new byte[length];
            NettyFrame.CopyMessage(frame, message);
            buffer = buffer.Slice(frame.End);
            var reader = new AvroReader(message);
            if (!handshakeDone)
            {
                if (AvroHandshakeResponse.Read(ref reader, out var handshake) != OperationStatus.Done)
                {
                    return;
                }

                handshakeDone = handshake!.Match != AvroHandshakeMatch.None;
                if (!handshakeDone)
                {
                    continue;
                }
            }

            if (AvroCall.ReadResponse(ref reader, out _) != OperationStatus.Done)
            {
                return;
            }
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var answers = new (AvroHandshakeResponse Handshake, Action<IBufferWriter<byte>> Call)[]
        {
            (new AvroHandshakeResponse(AvroHandshakeMatch.Both, null, null), w => AvroCall.WriteResponse(w, EventStatus.Ok)),
            (new AvroHandshakeResponse(AvroHandshakeMatch.Client, AvroSourceProtocol.Text, AvroSourceProtocol.Hash), w => AvroCall.WriteResponse(w, EventStatus.Failed)),
            (new AvroHandshakeResponse(AvroHandshakeMatch.None, AvroSourceProtocol.Text, AvroSourceProtocol.Hash), w => AvroCall.WriteError(w, "channel full")),
        };
        foreach (var (handshake, call) in answers)
        {
            var message = new ArrayBufferWriter<byte>();
            handshake.Write(message);
            call(message);
            var frames = new ArrayBufferWriter<byte>();
            NettyFrame.Write(frames, 1, message.WrittenSpan);
            message.Clear();
            AvroCall.WriteResponse(message, EventStatus.Ok);
            NettyFrame.Write(frames, 2, message.WrittenSpan);
            yield return FuzzInput.With(0, frames.WrittenSpan);
        }
    }
}
