using System.Buffers;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>One of the codecs, as <see cref="FrameReader"/> drives it (structs, so each use is specialised).</summary>
/// <typeparam name="T">What a frame decodes to.</typeparam>
internal interface IFrameDecoder<T>
{
    /// <summary>Done with the frame's length in <paramref name="consumed"/>, NeedMoreData, or InvalidData with an error.</summary>
    OperationStatus TryDecode(ReadOnlySequence<byte> input, out T value, out long consumed, out string? error);
}
