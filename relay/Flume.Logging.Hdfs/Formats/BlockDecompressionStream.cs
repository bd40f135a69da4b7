using System.Buffers;
using System.Buffers.Binary;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Reads Hadoop's <c>BlockCompressorStream</c> framing (see <see cref="BlockCompressionStream"/>), written from the
/// framing's description: blocks of a 4-byte uncompressed length and compressed chunks until that many bytes are
/// out. Anything inconsistent (a chunk that overfills its block, a length out of range, a cut-off block) is an
/// <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class BlockDecompressionStream(Stream source, int maxChunk, BlockDecompressionStream.RawDecompress decompress) : DecodingStream(source)
{
    private byte[] _chunk = [];
    private byte[] _decoded = [];
    private int _decodedStart;
    private int _decodedEnd;
    private int _blockRemaining;

    /// <summary>Decompresses one raw block into <paramref name="output"/>, returning the length, or -1 when it is not valid.</summary>
    internal delegate int RawDecompress(ReadOnlySpan<byte> input, Span<byte> output);

    public override int Read(Span<byte> buffer)
    {
        while (_decodedStart == _decodedEnd)
        {
            if (!NextChunk())
            {
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _decodedEnd - _decodedStart);
        _decoded.AsSpan(_decodedStart, n).CopyTo(buffer);
        _decodedStart += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Return(ref _chunk);
            Return(ref _decoded);
        }

        base.Dispose(disposing);
    }

    private static void Return(ref byte[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
            array = [];
        }
    }

    private static void Ensure(ref byte[] array, int length)
    {
        if (array.Length < length)
        {
            Return(ref array);
            array = ArrayPool<byte>.Shared.Rent(length);
        }
    }

    /// <summary>Decodes the next chunk; false at a clean end of the stream (between blocks).</summary>
    private bool NextChunk()
    {
        Span<byte> header = stackalloc byte[4];
        while (_blockRemaining == 0)
        {
            if (!TryReadExactly(header, out var read))
            {
                return read == 0 ? false : throw new InvalidDataException("The stream ends inside a block length.");
            }

            _blockRemaining = BinaryPrimitives.ReadInt32BigEndian(header);
            if (_blockRemaining < 0)
            {
                throw new InvalidDataException($"A block claims a negative length ({_blockRemaining}).");
            }
        }

        if (!TryReadExactly(header, out _))
        {
            throw new InvalidDataException("The stream ends inside a block, before a chunk length.");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > maxChunk * 2)
        {
            throw new InvalidDataException($"A chunk claims {length} compressed bytes, more than any chunk of this codec holds.");
        }

        Ensure(ref _chunk, length);
        if (!TryReadExactly(_chunk.AsSpan(0, length), out _))
        {
            throw new InvalidDataException("The stream ends inside a compressed chunk.");
        }

        var room = Math.Min(_blockRemaining, maxChunk);
        Ensure(ref _decoded, room);
        var decoded = decompress(_chunk.AsSpan(0, length), _decoded.AsSpan(0, room));
        if (decoded < 0)
        {
            throw new InvalidDataException("A chunk is not valid compressed data or holds more than its block has left.");
        }

        _blockRemaining -= decoded;
        _decodedStart = 0;
        _decodedEnd = decoded;
        return true;
    }
}
