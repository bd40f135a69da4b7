using System.Buffers;

namespace Flume.Logging.Rpc.Thrift;

/// <summary>
/// A frame's bytes as one span: the pipe's own memory when the frame sits in one segment, otherwise a pooled copy
/// returned on dispose.
/// </summary>
internal ref struct ThriftFrameSpan
{
    private byte[]? _rented;

    public ThriftFrameSpan(in ReadOnlySequence<byte> frame)
    {
        if (frame.IsSingleSegment)
        {
            Span = frame.FirstSpan;
            return;
        }

        var length = (int)frame.Length;
        _rented = ArrayPool<byte>.Shared.Rent(length);
        frame.CopyTo(_rented);
        Span = _rented.AsSpan(0, length);
    }

    public ReadOnlySpan<byte> Span { get; }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
