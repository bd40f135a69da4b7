using System.Buffers;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class OpRequestCodecTests
{
    private static OpReadBlockProto ReadOp() => new()
    {
        Header = new ClientOperationHeaderProto
        {
            BaseHeader = new BaseHeaderProto { Block = new ExtendedBlockProto { PoolId = "BP-1", BlockId = 7, GenerationStamp = 1001 } },
            ClientName = "flume",
        },
        Offset = 100,
        Len = 5000,
    };

    [Fact]
    public void A_request_starts_with_version_28_and_the_op_code_and_round_trips()
    {
        var output = new ArrayBufferWriter<byte>();
        OpRequestCodec.Write(output, DataTransferOp.ReadBlock, ReadOp());
        var bytes = output.WrittenSpan.ToArray();

        var status = OpRequestCodec.TryRead(new ReadOnlySequence<byte>(bytes), out var op, out var message, out var consumed, out _);

        Assert.Equal(new byte[] { 0, 28, 81 }, bytes[..3]);
        Assert.Equal((OperationStatus.Done, DataTransferOp.ReadBlock, bytes.Length), (status, op, (int)consumed));
        Assert.Equal(ReadOp(), message);
        Assert.Equal(OperationStatus.NeedMoreData, OpRequestCodec.TryRead(new ReadOnlySequence<byte>(bytes[..^1]), out _, out _, out _, out _));
    }

    [Fact]
    public void Another_protocol_version_is_refused()
    {
        Assert.Equal(OperationStatus.InvalidData, OpRequestCodec.TryRead(new ReadOnlySequence<byte>([0, 27, 80, 0]), out _, out _, out _, out var error));
        Assert.Contains("version 27", error);
    }

    [Fact]
    public void A_message_missing_required_fields_is_refused()
    {
        var output = new ArrayBufferWriter<byte>();
        OpRequestCodec.Write(output, DataTransferOp.ReadBlock, new OpReadBlockProto { Offset = 1 });

        Assert.Equal(OperationStatus.InvalidData, OpRequestCodec.TryRead(new ReadOnlySequence<byte>(output.WrittenMemory), out _, out _, out _, out var error));
        Assert.Contains("required", error);
    }
}
