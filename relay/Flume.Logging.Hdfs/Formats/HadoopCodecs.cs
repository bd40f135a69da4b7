using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;
using K4os.Compression.LZ4;
using ZstdSharp;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Hadoop's codecs this library writes and reads, and the lookup of Flume's <c>hdfs.codeC</c> values, which matches
/// Flume's: a codec's full class name, its simple name, or its simple name less <c>Codec</c>, in any case (so
/// <c>gzip</c>, <c>bzip2</c>, <c>deflate</c>, <c>default</c>, <c>snappy</c>, <c>lz4</c>, <c>zstandard</c>); we also
/// take <c>zstd</c>. <c>lzo</c> and <c>lzop</c> need hadoop-lzo's GPL native library and are refused with that reason.
/// </summary>
internal static class HadoopCodecs
{
    /// <summary>
    /// Hadoop's default buffer for the snappy and lz4 block streams (<c>io.compression.codec.*.buffersize</c>): 256 KiB.
    /// </summary>
    internal const int BlockBufferSize = 256 * 1024;

    /// <summary>Snappy's block input limit: the buffer less Hadoop's allowance for snappy's worst case (size/6 + 32).</summary>
    internal const int SnappyMaxInput = BlockBufferSize - ((BlockBufferSize / 6) + 32);

    /// <summary>LZ4's block input limit: the buffer less Hadoop's allowance for LZ4's worst case (size/255 + 16).</summary>
    internal const int Lz4MaxInput = BlockBufferSize - ((BlockBufferSize / 255) + 16);

    private const string Package = "org.apache.hadoop.io.compress.";

    /// <summary>A gzip member of no data: header (deflate, no flags, no time, Unix), an empty final block, CRC 0, size 0.</summary>
    private static readonly byte[] EmptyGzipMember = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A zlib stream of no data: header (deflate, 32 KiB window, default level), an empty final block, Adler-32 1.</summary>
    private static readonly byte[] EmptyZlibStream = [0x78, 0x9c, 3, 0, 0, 0, 0, 1];

    /// <summary>GzipCodec: gzip members (RFC 1952), one per finish.</summary>
    public static readonly HadoopCodec Gzip = new(
        Package + "GzipCodec", ".gz",
        d => new MemberCompressionStream(d, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true), EmptyGzipMember),
        s => new GZipStream(s, CompressionMode.Decompress, leaveOpen: true));

    /// <summary>DefaultCodec: zlib streams (RFC 1950), one per finish.</summary>
    public static readonly HadoopCodec Default = new(
        Package + "DefaultCodec", ".deflate",
        d => new MemberCompressionStream(d, s => new ZLibStream(s, CompressionLevel.Optimal, leaveOpen: true), EmptyZlibStream),
        s => new ConcatenatedZlibStream(s));

    /// <summary>DeflateCodec: Hadoop's DefaultCodec under another name, the same zlib streams.</summary>
    public static readonly HadoopCodec Deflate = new(
        Package + "DeflateCodec", ".deflate",
        d => Default.CreateOutput(d),
        s => Default.CreateInput(s));

    /// <summary>BZip2Codec: bzip2 streams with the <c>BZh9</c> header, one per finish.</summary>
    public static readonly HadoopCodec BZip2 = new(
        Package + "BZip2Codec", ".bz2",
        d => new MemberCompressionStream(d, s => new BZip2OutputStream(s, 9) { IsStreamOwner = false }),
        s => new ConcatenatedBZip2Stream(s));

    /// <summary>SnappyCodec: Hadoop's block framing around raw snappy blocks.</summary>
    public static readonly HadoopCodec Snappy = new(
        Package + "SnappyCodec", ".snappy",
        d => new BlockCompressionStream(d, SnappyMaxInput, Snappier.Snappy.GetMaxCompressedLength, Snappier.Snappy.Compress),
        s => new BlockDecompressionStream(s, BlockBufferSize, DecompressSnappy));

    /// <summary>Lz4Codec: Hadoop's block framing around raw LZ4 blocks.</summary>
    public static readonly HadoopCodec Lz4 = new(
        Package + "Lz4Codec", ".lz4",
        d => new BlockCompressionStream(d, Lz4MaxInput, LZ4Codec.MaximumOutputSize, (input, output) => LZ4Codec.Encode(input, output)),
        s => new BlockDecompressionStream(s, BlockBufferSize, (input, output) => LZ4Codec.Decode(input, output)));

    /// <summary>ZStandardCodec: zstd frames (level 3, Hadoop's default), one per finish.</summary>
    public static readonly HadoopCodec ZStandard = new(
        Package + "ZStandardCodec", ".zst",
        d => new MemberCompressionStream(d, s => new CompressionStream(s, 3, leaveOpen: true)),
        s => new ZstdDecodingStream(s));

    /// <summary>Every codec, in Hadoop's listing order.</summary>
    public static IReadOnlyList<HadoopCodec> All { get; } = [Default, Gzip, BZip2, Deflate, Lz4, Snappy, ZStandard];

    /// <summary>The codec a SequenceFile header names, or null when this library has no such codec.</summary>
    public static HadoopCodec? FindByClassName(string className) =>
        All.FirstOrDefault(c => c.ClassName.Equals(className, StringComparison.Ordinal));

    /// <summary>
    /// The codec for a Flume <c>hdfs.codeC</c> value; null for <c>None</c> (any case), as Flume treats it.
    /// </summary>
    /// <exception cref="NotSupportedException">The codec exists in Hadoop but not here (lzo, lzop); the message says why.</exception>
    /// <exception cref="ArgumentException">No codec has that name; the message lists the accepted ones.</exception>
    public static HadoopCodec? Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wanted = name.Trim();
        if (wanted.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (wanted.Equals("zstd", StringComparison.OrdinalIgnoreCase))
        {
            return ZStandard;
        }

        if (All.FirstOrDefault(c => Matches(c, wanted)) is { } codec)
        {
            return codec;
        }

        if (wanted.StartsWith("lzo", StringComparison.OrdinalIgnoreCase) || wanted.Contains(".lzo.", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"'{name}' needs hadoop-lzo's native LZO library, which is GPL-licensed and not available here; use snappy, lz4 or zstandard for fast compression");
        }

        throw new ArgumentException(
            $"'{name}' is not a known codec; use one of None, {string.Join(", ", All.Select(c => c.SimpleName))} (or gzip, bzip2, deflate, default, snappy, lz4, zstandard, zstd)",
            nameof(name));
    }

    private static bool Matches(HadoopCodec codec, string wanted)
    {
        var simple = codec.SimpleName;
        return codec.ClassName.Equals(wanted, StringComparison.Ordinal)
            || simple.Equals(wanted, StringComparison.OrdinalIgnoreCase)
            || simple[..^"Codec".Length].Equals(wanted, StringComparison.OrdinalIgnoreCase);
    }

    private static int DecompressSnappy(ReadOnlySpan<byte> input, Span<byte> output)
    {
        // Snappier throws on corrupt data; the block reader wants -1 so it can say which block is bad.
        try
        {
            return Snappier.Snappy.GetUncompressedLength(input) > output.Length ? -1 : Snappier.Snappy.Decompress(input, output);
        }
        catch (InvalidDataException)
        {
            return -1;
        }
    }
}
