using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.BZip2;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Reads bzip2 streams one after another to the end of the source, as Hadoop's BZip2Codec reads files whose writer
/// finished a stream at every flush. SharpZipLib's decoder reads its source byte by byte and stops at the end of its
/// stream, so the next one starts where it stopped.
/// </summary>
internal sealed class ConcatenatedBZip2Stream(Stream source) : DecodingStream(source)
{
    private BZip2InputStream? _member;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                if (_member is null)
                {
                    var first = Source.ReadByte();
                    if (first < 0)
                    {
                        return 0;
                    }

                    _member = new BZip2InputStream(new PrefixedStream((byte)first, Source)) { IsStreamOwner = false };
                }

                var n = _member.Read(buffer);
                if (n > 0)
                {
                    return n;
                }

                _member.Dispose();
                _member = null;
            }
        }
        catch (Exception e) when (e is SharpZipBaseException or EndOfStreamException or IndexOutOfRangeException or NullReferenceException)
        {
            // SharpZipLib's bzip2 decoder fails on some corrupt data with the last two instead of its own exception
            // (a NullReferenceException in its move-to-front decoding, found by changing bytes of valid streams).
            throw new InvalidDataException("The data is not a valid bzip2 stream: " + e.Message, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _member?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The source with one byte already taken from it put back in front, to test for the end without losing a byte.</summary>
    private sealed class PrefixedStream(byte first, Stream rest) : DecodingStream(rest)
    {
        private bool _firstTaken;

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_firstTaken)
            {
                return Source.Read(buffer);
            }

            _firstTaken = true;
            buffer[0] = first;
            return 1;
        }
    }
}
