using System.Text;
using Flume.Logging.FileChannel;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Flume.Logging.Relay.Tests.Channels.ChannelTestOps;

namespace Flume.Logging.Relay.Tests.Channels;

/// <summary>
/// A file channel fed events whose bodies are borrowed from a source's pooled request buffer: it writes their bytes
/// into its log at commit, and keeps the buffer only for the events its cache holds, until their take commits.
/// Whatever the source then does with the buffer, the channel hands out (and replays) the bytes that were put.
/// </summary>
public sealed class FileChannelBorrowedBodyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("file-channel-borrowed-").FullName;

    public void Dispose() => TempFolder.Delete(_root);

    private DurableFileChannel Channel(long eventCacheBytes = 64 * 1024 * 1024)
    {
        var options = new FileChannelOptions
        {
            CheckpointDir = Path.Combine(_root, "checkpoint"),
            Capacity = 100,
            TransactionCapacity = 100,
            MinimumRequiredSpace = 0,
            KeepAlive = TimeSpan.Zero,
            CheckpointInterval = TimeSpan.FromHours(1),
            EventCacheBytes = eventCacheBytes,
        };
        options.DataDirs.Add(Path.Combine(_root, "data"));
        return new DurableFileChannel("c1", options, TimeProvider.System, NullLogger.Instance);
    }

    /// <summary>Events whose bodies are slices of one request buffer, held once by the caller as a source holds it.</summary>
    private static (EventBuffer Buffer, List<FlumeEvent> Events) Borrowed(params string[] bodies)
    {
        var bytes = bodies.Select(Encoding.UTF8.GetBytes).ToList();
        var buffer = EventBuffer.Rent(bytes.Sum(b => b.Length));
        var events = new List<FlumeEvent>();
        var offset = 0;
        foreach (var body in bytes)
        {
            body.CopyTo(buffer.Memory[offset..]);
            events.Add(buffer.NextEvent(default, new Dictionary<string, string> { ["n"] = Encoding.UTF8.GetString(body) }, buffer.Memory.Slice(offset, body.Length)));
            offset += body.Length;
        }

        return (buffer, events);
    }

    private static List<string> Texts(IEnumerable<FlumeEvent> events) => events.Select(e => Encoding.UTF8.GetString(e.Body.Span) + "/" + e.Headers["n"]).ToList();

    /// <summary>What a source reusing its request buffer would leave in it.</summary>
    private static void Scribble(EventBuffer buffer) => buffer.Memory.Span.Fill((byte)'X');

    [Fact]
    public void File_channels_keep_borrowed_bodies_as_memory_channels_do()
    {
        var memory = new MemoryChannel("m1", new MemoryChannelOptions(), TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        var file = Channel();
        ChannelProcessor Processor(params IChannel[] channels) =>
            new(new ReplicatingChannelSelector(channels, []), [], NullLogger<ChannelProcessor>.Instance);

        Assert.True(Processor(file).KeepsBorrowedBodies);
        Assert.True(Processor(memory, file).KeepsBorrowedBodies);
    }

    [Fact]
    public async Task Cached_events_hold_the_request_buffer_until_their_take_commits()
    {
        await using var channel = Channel();
        await channel.StartAsync(CancellationToken.None);
        var (buffer, events) = Borrowed("a", "bb", "ccc");
        await PutAsync(channel, events);

        // The source's own reference, and one per event the channel's cache keeps.
        Assert.Equal(4, buffer.References);
        using var transaction = channel.BeginTransaction();
        var taken = Take(transaction, 3);
        Assert.Equal(["a/a", "bb/bb", "ccc/ccc"], Texts(taken));
        Assert.All(taken, e => Assert.Same(buffer, e.Buffer));
        await transaction.CommitAsync(CancellationToken.None);
        Assert.Equal(1, buffer.References);
        buffer.Release();
    }

    [Fact]
    public async Task Events_beyond_the_cache_keep_no_buffer_and_are_read_back_from_the_log()
    {
        await using var channel = Channel(eventCacheBytes: 0);
        await channel.StartAsync(CancellationToken.None);
        var (buffer, events) = Borrowed("first", "second");
        await PutAsync(channel, events);
        Assert.Equal(1, buffer.References);

        // The source answered its client and reused the buffer: the log has the bytes that were put.
        Scribble(buffer);
        using var transaction = channel.BeginTransaction();
        var taken = Take(transaction, 2);
        Assert.Equal(["first/first", "second/second"], Texts(taken));
        Assert.All(taken, e => Assert.Null(e.Buffer));
        await transaction.CommitAsync(CancellationToken.None);
        buffer.Release();
    }

    [Fact]
    public async Task Headers_kept_as_avro_bytes_are_logged_as_they_are_and_read_back_as_strings()
    {
        await using var channel = Channel(eventCacheBytes: 0);
        await channel.StartAsync(CancellationToken.None);
        var headers = new Dictionary<string, string> { ["timestamp"] = "1733400000000", ["host"] = "h\u00e9te-1", ["empty"] = "" };
        var wire = new System.Buffers.ArrayBufferWriter<byte>();
        Protocol.Avro.AvroEventCodec.WriteEvents(wire, [new FlumeEvent(new Dictionary<string, string>(headers), "body"u8.ToArray())], 0, 1);
        var buffer = EventBuffer.Rent(wire.WrittenCount);
        wire.WrittenSpan.CopyTo(buffer.Memory.Span);
        var reader = new Protocol.Avro.AvroReader(buffer.Memory.Span);
        Assert.Equal(System.Buffers.OperationStatus.Done, Protocol.Avro.AvroEventCodec.ReadEvents(ref reader, 10, out var events, buffer));
        Assert.True(events![0].TryGetPacked(out _));

        await PutAsync(channel, events);
        Assert.True(events[0].TryGetPacked(out _), "logging the headers made strings of them");
        Scribble(buffer);
        buffer.Release();

        using var transaction = channel.BeginTransaction();
        var taken = Assert.Single(Take(transaction, 1));
        Assert.Equal(headers, taken.Headers);
        Assert.Equal("body", Encoding.UTF8.GetString(taken.Body.Span));
        await transaction.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_rolled_back_take_lets_go_of_the_buffer_and_the_retake_reads_the_log()
    {
        await using var channel = Channel();
        await channel.StartAsync(CancellationToken.None);
        var (buffer, events) = Borrowed("x1", "x2");
        await PutAsync(channel, events);

        using (var first = channel.BeginTransaction())
        {
            Assert.Equal(2, Take(first, 2).Count);
            first.Rollback();
        }

        Assert.Equal(1, buffer.References);
        Scribble(buffer);
        using var second = channel.BeginTransaction();
        Assert.Equal(["x1/x1", "x2/x2"], Texts(Take(second, 2)));
        await second.CommitAsync(CancellationToken.None);
        Assert.Equal(1, buffer.References);
        buffer.Release();
    }

    [Fact]
    public async Task A_put_that_fails_for_lack_of_space_keeps_no_reference()
    {
        await using var channel = Channel();
        await channel.StartAsync(CancellationToken.None);
        var (buffer, events) = Borrowed(Enumerable.Range(0, 100).Select(i => $"e{i}").ToArray());
        await PutAsync(channel, events);
        var (refused, more) = Borrowed("one too many");

        using (var transaction = channel.BeginTransaction())
        {
            transaction.Put(more[0]);
            await Assert.ThrowsAsync<ChannelFullException>(() => transaction.CommitAsync(CancellationToken.None).AsTask());
            transaction.Rollback();
        }

        Assert.Equal(1, refused.References);
        Assert.Equal(101, buffer.References);
        refused.Release();
    }

    [Fact]
    public async Task A_restarted_channel_replays_the_bytes_that_were_put_whatever_became_of_the_buffer()
    {
        var (buffer, events) = Borrowed("kept", "across", "restart");
        await using (var channel = Channel())
        {
            await channel.StartAsync(CancellationToken.None);
            await PutAsync(channel, events);
            using var transaction = channel.BeginTransaction();
            Assert.Equal("kept/kept", Texts(Take(transaction, 1))[0]);
            await transaction.CommitAsync(CancellationToken.None);
            await channel.StopAsync(CancellationToken.None);
        }

        Scribble(buffer);
        await using var reopened = Channel();
        await reopened.StartAsync(CancellationToken.None);
        using var again = reopened.BeginTransaction();
        Assert.Equal(["across/across", "restart/restart"], Texts(Take(again, 10)));
        await again.CommitAsync(CancellationToken.None);
    }
}
