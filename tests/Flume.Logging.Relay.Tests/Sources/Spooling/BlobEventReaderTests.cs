using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

public sealed class BlobEventReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spool-blob-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private BlobEventReader Open(byte[] content, int maxBlobLength)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return new BlobEventReader(new FileStream(path, FileMode.Open, FileAccess.Read), maxBlobLength);
    }

    [Fact]
    public void The_whole_file_is_one_event_bytes_as_they_are()
    {
        byte[] content = [0, 1, 2, (byte)'\n', 0xFF, 0xC3];
        using var reader = Open(content, 100);

        Assert.True(reader.TryReadEvent(out var body));
        Assert.Equal(content, body);
        Assert.False(reader.TryReadEvent(out _));
        Assert.Equal(content.Length, reader.Position);
    }

    [Fact]
    public void A_file_longer_than_max_blob_length_comes_in_pieces_and_can_be_re_read_from_a_piece()
    {
        using var reader = Open([1, 2, 3, 4, 5, 6, 7], 3);

        Assert.True(reader.TryReadEvent(out var first));
        var afterFirst = reader.Position;
        Assert.True(reader.TryReadEvent(out var second));
        Assert.True(reader.TryReadEvent(out var third));
        Assert.False(reader.TryReadEvent(out _));
        Assert.Equal([1, 2, 3], first);
        Assert.Equal([4, 5, 6], second);
        Assert.Equal([7], third);

        reader.Seek(afterFirst);
        Assert.True(reader.TryReadEvent(out var again));
        Assert.Equal([4, 5, 6], again);
    }

    [Fact]
    public void An_empty_file_has_no_event()
    {
        using var reader = Open([], 10);

        Assert.False(reader.TryReadEvent(out _));
    }
}
