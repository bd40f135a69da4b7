using ZstdSharp;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>Reads zstd frames one after another with ZstdSharp, reporting corrupt data as <see cref="InvalidDataException"/> like the other decoders.</summary>
internal sealed class ZstdDecodingStream(Stream source) : DecodingStream(source)
{
    private readonly DecompressionStream _frames = new(source, leaveOpen: true);

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _frames.Read(buffer);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException("The data is not a valid zstd stream: " + e.Message, e);
        }
        catch (EndOfStreamException e)
        {
            // ZstdSharp's word for input that ends inside a frame (found by the random-bytes property with a lone 0x28,
            // the first byte of a frame's magic number).
            throw new InvalidDataException("The data ends inside a zstd frame.", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _frames.Dispose();
        }

        base.Dispose(disposing);
    }
}
