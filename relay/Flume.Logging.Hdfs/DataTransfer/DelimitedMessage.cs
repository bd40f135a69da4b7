using System.Buffers;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// Varint-length-prefixed protobuf messages, how DataTransferProtocol frames op requests, op responses and the
/// client's read status (Java's <c>writeDelimitedTo</c>).
/// </summary>
internal static class DelimitedMessage
{
    /// <summary>Writes <paramref name="message"/> with its length prefix.</summary>
    public static void Write(IBufferWriter<byte> output, IMessage message)
    {
        var length = message.CalculateSize();
        var prefix = output.GetSpan(ProtoWire.MaxVarintLength);
        output.Advance(ProtoWire.WriteVarint(prefix, (ulong)length));
        message.WriteTo(output.GetSpan(length)[..length]);
        output.Advance(length);
    }

    /// <summary>
    /// Decodes one message at the start of <paramref name="input"/>. NeedMoreData until it is all there; InvalidData
    /// when the length is over <paramref name="maxLength"/>, the bytes do not parse or a required field is missing.
    /// </summary>
    public static OperationStatus TryRead<T>(
        ReadOnlySequence<byte> input,
        MessageParser<T> parser,
        int maxLength,
        out T? message,
        out long consumed,
        out string? error)
        where T : IMessage<T>
    {
        message = default;
        consumed = 0;
        error = null;
        var status = ProtoWire.TryReadLengthPrefix(input, out var prefixLength, out var length);
        if (status == OperationStatus.NeedMoreData)
        {
            return status;
        }

        var name = typeof(T).Name;
        if (status != OperationStatus.Done || length > (ulong)maxLength)
        {
            error = $"{name} length is malformed or over {maxLength} bytes";
            return OperationStatus.InvalidData;
        }

        if (input.Length < prefixLength + (long)length)
        {
            return OperationStatus.NeedMoreData;
        }

        try
        {
            message = parser.ParseFrom(input.Slice(prefixLength, (long)length));
        }
        catch (InvalidProtocolBufferException e)
        {
            error = $"{name} does not parse: {e.Message}";
            return OperationStatus.InvalidData;
        }

        if (!message.IsInitialized())
        {
            error = $"{name} lacks a required field";
            message = default;
            return OperationStatus.InvalidData;
        }

        consumed = prefixLength + (long)length;
        return OperationStatus.Done;
    }
}
