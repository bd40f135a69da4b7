using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Reads zlib streams one after another to the end of the source, as Hadoop's decompressor stream does for
/// DefaultCodec files whose writer finished a stream at every flush. The BCL's ZLibStream stops after the first
/// stream and reads ahead past it, so this drives SharpZipLib's inflater, which says how much input it left over.
/// </summary>
internal sealed class ConcatenatedZlibStream(Stream source) : DecodingStream(source)
{
    private readonly Inflater _inflater = new(noHeader: false);
    private readonly byte[] _input = new byte[64 * 1024];
    private readonly byte[] _output = new byte[64 * 1024];
    private int _inputLength;
    private bool _inStream;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var room = Math.Min(buffer.Length, _output.Length);
        while (true)
        {
            if (_inflater.IsFinished)
            {
                var remaining = _inflater.RemainingInput;
                _inflater.Reset();
                _inStream = false;
                if (remaining > 0)
                {
                    _inflater.SetInput(_input, _inputLength - remaining, remaining);
                }
            }

            if (_inflater.IsNeedingInput)
            {
                _inputLength = Source.Read(_input);
                if (_inputLength == 0)
                {
                    return _inStream ? throw new InvalidDataException("The data ends inside a zlib stream.") : 0;
                }

                _inflater.SetInput(_input, 0, _inputLength);
            }

            _inStream = true;
            int produced;
            try
            {
                produced = _inflater.Inflate(_output, 0, room);
            }
            catch (Exception e) when (e is SharpZipBaseException or IndexOutOfRangeException)
            {
                // SharpZipLib's inflater indexes past its tables on some corrupt Huffman code lengths instead of
                // reporting them (found by changing bytes of valid streams).
                throw new InvalidDataException("The data is not a valid zlib stream: " + e.Message, e);
            }

            if (produced > 0)
            {
                _output.AsSpan(0, produced).CopyTo(buffer);
                return produced;
            }

            if (_inflater.IsNeedingDictionary)
            {
                throw new InvalidDataException("The zlib stream asks for a preset dictionary, which Hadoop's writers never use.");
            }
        }
    }
}
