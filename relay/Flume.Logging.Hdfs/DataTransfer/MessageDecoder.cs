using System.Buffers;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>Decodes varint-delimited messages of type <typeparamref name="T"/>.</summary>
internal readonly record struct MessageDecoder<T>(MessageParser<T> Parser, int MaxLength) : IFrameDecoder<T>
    where T : IMessage<T>
{
    public OperationStatus TryDecode(ReadOnlySequence<byte> input, out T value, out long consumed, out string? error) =>
        DelimitedMessage.TryRead(input, Parser, MaxLength, out value!, out consumed, out error);
}
