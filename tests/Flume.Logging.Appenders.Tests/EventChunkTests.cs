using Flume.Logging.Appenders.Delivery;

namespace Flume.Logging.Appenders.Tests;

public sealed class EventChunkTests
{
    private readonly EventChunk.Pool _pool = new();

    [Fact]
    public void A_chunk_is_reused_only_once_its_writer_and_every_event_in_it_let_go()
    {
        var chunk = _pool.Rent(100);
        chunk.Hold();
        chunk.Hold();

        chunk.Release();
        chunk.Release();
        Assert.Equal(0, _pool.FreeCount);
        Assert.NotSame(chunk, _pool.Rent(100));

        chunk.Release();
        Assert.Equal(1, _pool.FreeCount);
        Assert.Same(chunk, _pool.Rent(100));
    }

    [Fact]
    public void Releasing_a_chunk_more_often_than_it_is_held_throws_rather_than_let_it_be_rewritten()
    {
        var chunk = _pool.Rent(100);
        chunk.Release();

        Assert.Throws<InvalidOperationException>(chunk.Release);
    }

    [Fact]
    public void A_chunk_larger_than_standard_is_left_to_the_gc_and_the_pool_keeps_a_bounded_number()
    {
        var large = _pool.Rent(EventChunk.Size + 1);
        Assert.True(large.Bytes.Length > EventChunk.Size);
        large.Release();
        Assert.Equal(0, _pool.FreeCount);

        var chunks = Enumerable.Range(0, EventChunk.Pool.Retained + 10).Select(_ => _pool.Rent(1)).ToList();
        chunks.ForEach(chunk => chunk.Release());
        Assert.Equal(EventChunk.Pool.Retained, _pool.FreeCount);
    }
}
