namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Flume's <c>BlobDeserializer</c>: the whole file as one event, or pieces of at most <c>maxBlobLength</c>
/// bytes when it is longer. An empty file has no events.
/// </summary>
internal sealed class BlobEventReader : ISpoolEventReader
{
    private readonly FileStream _stream;
    private readonly int _maxBlobLength;

    public BlobEventReader(FileStream stream, int maxBlobLength)
    {
        _stream = stream;
        _maxBlobLength = maxBlobLength;
        Position = stream.Position;
    }

    public long Position { get; private set; }

    public void Seek(long position)
    {
        _stream.Position = position;
        Position = position;
    }

    public bool TryReadEvent(out byte[] body)
    {
        var remaining = _stream.Length - Position;
        if (remaining <= 0)
        {
            body = [];
            return false;
        }

        var buffer = new byte[(int)Math.Min(remaining, _maxBlobLength)];
        var read = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            body = [];
            return false;
        }

        body = read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray();
        Position += read;
        return true;
    }

    public void Dispose() => _stream.Dispose();
}
