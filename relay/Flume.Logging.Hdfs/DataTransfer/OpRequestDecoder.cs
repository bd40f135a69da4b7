using System.Buffers;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>Decodes op requests (a DataNode's side).</summary>
internal readonly record struct OpRequestDecoder : IFrameDecoder<(DataTransferOp Op, IMessage? Message)>
{
    public OperationStatus TryDecode(ReadOnlySequence<byte> input, out (DataTransferOp Op, IMessage? Message) value, out long consumed, out string? error)
    {
        var status = OpRequestCodec.TryRead(input, out var op, out var message, out consumed, out error);
        value = (op, message);
        return status;
    }
}
