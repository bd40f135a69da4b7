using System.IO.Compression;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Rpc.Compression;

/// <summary>
/// Flume's <c>compression-type = deflate</c>: one zlib (RFC 1950) stream in each direction of a connection, below
/// the framing. Every flush is a zlib sync flush, so the peer can decode each frame as soon as it is written.
/// </summary>
internal sealed class ZLibDuplexStream : DuplexStream
{
    private readonly Stream _network;
    private readonly ZLibStream _decompressor;
    private readonly ZLibStream _compressor;
    private int _disposed;

    public ZLibDuplexStream(Stream network, int level)
    {
        _network = network;
        _decompressor = new ZLibStream(network, CompressionMode.Decompress, leaveOpen: true);
#if NET9_0_OR_GREATER
        _compressor = new ZLibStream(network, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
#else
        _compressor = new ZLibStream(network, NearestLevel(level), leaveOpen: true);
#endif
    }

#if !NET9_0_OR_GREATER
    // .NET 8 offers only named levels, which zlib runs as 0, 1, 6 and 9.
    private static CompressionLevel NearestLevel(int level) => level switch
    {
        <= 0 => CompressionLevel.NoCompression,
        <= 3 => CompressionLevel.Fastest,
        <= 7 => CompressionLevel.Optimal,
        _ => CompressionLevel.SmallestSize,
    };
#endif

    /// <summary>A <see cref="StreamWrapper"/> applying zlib at <paramref name="level"/> (0-9).</summary>
    public static StreamWrapper Wrapper(int level) => network => new ZLibDuplexStream(network, level);

    protected override Stream ReadSide => _decompressor;

    protected override Stream WriteSide => _compressor;

    public override void Flush()
    {
        _compressor.Flush();
        _network.Flush();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _compressor.FlushAsync(cancellationToken);
        await _network.FlushAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _compressor.DisposeAsync();
        }
        finally
        {
            await _decompressor.DisposeAsync();
            await _network.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                _compressor.Dispose();
            }
            finally
            {
                _decompressor.Dispose();
                _network.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
