using System.IO.Compression;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Rpc.Compression;

/// <summary>
/// Flume's <c>compression-type = deflate</c>: one zlib (RFC 1950) stream in each direction of a connection, below
/// the framing. Every flush is a zlib sync flush, so the peer can decode each frame as soon as it is written.
/// </summary>
internal sealed class ZLibDuplexStream : Stream
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

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>A <see cref="StreamWrapper"/> applying zlib at <paramref name="level"/> (0-9).</summary>
    public static StreamWrapper Wrapper(int level) => network => new ZLibDuplexStream(network, level);

    public override int Read(byte[] buffer, int offset, int count) => _decompressor.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _decompressor.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _decompressor.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _compressor.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _compressor.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _compressor.WriteAsync(buffer, offset, count, cancellationToken);

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

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

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
