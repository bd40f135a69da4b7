using System.Buffers;
using System.Buffers.Binary;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Hadoop's <c>BlockCompressorStream</c> framing, used by its SnappyCodec and Lz4Codec: writes gather into a block of
/// at most <c>maxInput</c> bytes, written as its uncompressed length (4 bytes, big-endian) and then chunks of
/// compressed length (4 bytes, big-endian) and raw compressed bytes. A write that would overflow the block first
/// ends it; a write larger than a block becomes a block of its own, split into chunks of at most <c>maxInput</c>.
/// A unit ended with no data writes nothing: Hadoop's reader takes a block of length zero for the end of the
/// stream and would drop everything after it (Hadoop's own writer can emit one after a write larger than a block).
/// </summary>
internal sealed class BlockCompressionStream : HadoopCompressionStream
{
    private readonly int _maxInput;
    private readonly Func<int, int> _maxCompressed;
    private readonly RawCompress _compress;
    private readonly byte[] _block;
    private byte[] _output;
    private int _buffered;
    private bool _disposed;

    /// <param name="destination">Where the blocks go.</param>
    /// <param name="maxInput">Hadoop's <c>MAX_INPUT_SIZE</c>: the buffer size less the codec's worst-case overhead.</param>
    /// <param name="maxCompressed">The most bytes the raw compressor may make of an input of the given length.</param>
    /// <param name="compress">Compresses a whole input into one raw block, returning its length.</param>
    public BlockCompressionStream(Stream destination, int maxInput, Func<int, int> maxCompressed, RawCompress compress)
        : base(destination)
    {
        _maxInput = maxInput;
        _maxCompressed = maxCompressed;
        _compress = compress;
        _block = ArrayPool<byte>.Shared.Rent(maxInput);
        _output = ArrayPool<byte>.Shared.Rent(maxCompressed(maxInput) + 4);
    }

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/>, returning the compressed length.</summary>
    internal delegate int RawCompress(ReadOnlySpan<byte> input, Span<byte> output);

    protected override void WriteUnit(ReadOnlySpan<byte> data)
    {
        if (_buffered > 0 && _buffered + data.Length > _maxInput)
        {
            EndUnit();
        }

        if (data.Length > _maxInput)
        {
            WriteInt(data.Length);
            while (data.Length > 0)
            {
                var chunk = data[..Math.Min(data.Length, _maxInput)];
                WriteChunk(chunk);
                data = data[chunk.Length..];
            }

            return;
        }

        data.CopyTo(_block.AsSpan(_buffered));
        _buffered += data.Length;
    }

    protected override void EndUnit()
    {
        if (_buffered == 0)
        {
            return;
        }

        WriteInt(_buffered);
        WriteChunk(_block.AsSpan(0, _buffered));
        _buffered = 0;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_block);
            ArrayPool<byte>.Shared.Return(_output);
            _output = [];
        }
    }

    private void WriteChunk(ReadOnlySpan<byte> chunk)
    {
        var length = _compress(chunk, _output.AsSpan(4, _maxCompressed(chunk.Length)));
        BinaryPrimitives.WriteInt32BigEndian(_output, length);
        Destination.Write(_output, 0, length + 4);
    }

    private void WriteInt(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        Destination.Write(bytes);
    }
}
