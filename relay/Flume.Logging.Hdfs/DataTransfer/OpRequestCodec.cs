using System.Buffers;
using System.Buffers.Binary;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// An op request: int16 BE protocol version (28), one op code byte, then the op's varint-delimited message
/// (<c>OpWriteBlockProto</c> or <c>OpReadBlockProto</c>).
/// </summary>
internal static class OpRequestCodec
{
    /// <summary>The DataTransferProtocol version of Hadoop 2.x and 3.x.</summary>
    public const short ProtocolVersion = 28;

    /// <summary>Longest op message we accept (a write names its targets; a few KiB at most).</summary>
    public const int MaxOpLength = 64 * 1024;

    private const int HeaderLength = 3;

    /// <summary>Writes the request.</summary>
    public static void Write(IBufferWriter<byte> output, DataTransferOp op, IMessage message)
    {
        var header = output.GetSpan(HeaderLength);
        BinaryPrimitives.WriteInt16BigEndian(header, ProtocolVersion);
        header[2] = (byte)op;
        output.Advance(HeaderLength);
        DelimitedMessage.Write(output, message);
    }

    /// <summary>
    /// Decodes one request; <paramref name="message"/> is an <see cref="OpWriteBlockProto"/> or an
    /// <see cref="OpReadBlockProto"/>. InvalidData for another version or op code, or a malformed message.
    /// </summary>
    public static OperationStatus TryRead(
        ReadOnlySequence<byte> input,
        out DataTransferOp op,
        out IMessage? message,
        out long consumed,
        out string? error)
    {
        op = default;
        message = null;
        consumed = 0;
        error = null;
        if (input.Length < HeaderLength)
        {
            return OperationStatus.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        input.Slice(0, HeaderLength).CopyTo(header);
        var version = BinaryPrimitives.ReadInt16BigEndian(header);
        op = (DataTransferOp)header[2];
        if (version != ProtocolVersion)
        {
            error = $"DataTransferProtocol version {version} is not the {ProtocolVersion} we speak";
            return OperationStatus.InvalidData;
        }

        var body = input.Slice(HeaderLength);
        OperationStatus status;
        switch (op)
        {
            case DataTransferOp.WriteBlock:
                status = DelimitedMessage.TryRead(body, OpWriteBlockProto.Parser, MaxOpLength, out var write, out consumed, out error);
                message = write;
                break;
            case DataTransferOp.ReadBlock:
                status = DelimitedMessage.TryRead(body, OpReadBlockProto.Parser, MaxOpLength, out var read, out consumed, out error);
                message = read;
                break;
            default:
                error = $"op code {(byte)op} is not one we serve";
                return OperationStatus.InvalidData;
        }

        consumed += status == OperationStatus.Done ? HeaderLength : 0;
        return status;
    }
}
