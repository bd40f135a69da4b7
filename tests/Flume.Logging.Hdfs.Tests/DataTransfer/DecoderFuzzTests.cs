using System.Buffers;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class DecoderFuzzTests
{
    // Random bytes, and random bytes after a plausible start so decoders get past their first checks.
    private static Arbitrary<byte[]> Inputs() =>
        Gen.OneOf(
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Select(tail => (byte[])[0, 28, 80, .. tail]),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Select(tail => (byte[])[0, 0, 0, 20, 0, 25, .. tail]))
        .ToArbitrary();

    // Done (random bytes can be a valid frame), NeedMoreData, or InvalidData with a reason; anything thrown fails the property.
    private static bool IsAnAnswer(OperationStatus status, string? error) =>
        status == OperationStatus.NeedMoreData || (status == OperationStatus.InvalidData && !string.IsNullOrEmpty(error))
        || status == OperationStatus.Done;

    [Fact]
    public void Random_bytes_give_every_decoder_need_more_or_a_protocol_error_and_never_an_exception()
    {
        Prop.ForAll(Inputs(), bytes =>
        {
            var input = new ReadOnlySequence<byte>(bytes);
            var packet = PacketCodec.TryRead(input, 1 << 20, out _, out var packetError);
            var ack = PipelineAckCodec.TryRead(input, new Status[4], out _, out _, out _, out var ackError);
            var op = OpRequestCodec.TryRead(input, out _, out _, out _, out var opError);
            var response = DelimitedMessage.TryRead(input, BlockOpResponseProto.Parser, 4096, out _, out _, out var responseError);
            return IsAnAnswer(packet, packetError) && IsAnAnswer(ack, ackError)
                && IsAnAnswer(op, opError) && IsAnAnswer(response, responseError);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2000).WithEndSize(200));
    }
}
