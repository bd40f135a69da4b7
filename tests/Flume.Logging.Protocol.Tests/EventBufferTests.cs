using System.Buffers;
using System.Runtime.InteropServices;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests;

public sealed class EventBufferTests
{
    [Fact]
    public void Decoding_with_a_buffer_slices_every_body_out_of_it_without_copies()
    {
        var output = new ArrayBufferWriter<byte>();
        var sent = new List<FlumeEvent> { FlumeEvent.FromText("first"), FlumeEvent.FromText("second", new Dictionary<string, string> { ["k"] = "v" }) };
        AvroEventCodec.WriteEvents(output, sent, 0, sent.Count);
        var buffer = EventBuffer.Rent(output.WrittenCount);
        output.WrittenSpan.CopyTo(buffer.Memory.Span);

        var reader = new AvroReader(buffer.Memory.Span);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvents(ref reader, 10, out var decoded, buffer));
        var events = decoded!;

        Assert.Equal(["first", "second"], events.Select(e => System.Text.Encoding.UTF8.GetString(e.Body.Span)));
        Assert.Equal("v", events[1].Headers["k"]);
        Assert.All(events, e =>
        {
            Assert.Same(buffer, e.Buffer);
            Assert.True(MemoryMarshal.TryGetArray(e.Body, out var segment));
            Assert.True(MemoryMarshal.TryGetArray<byte>(buffer.Memory, out var bufferSegment));
            Assert.Same(bufferSegment.Array, segment.Array);
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Thrift_decoding_with_a_buffer_slices_every_body_out_of_it(bool compact)
    {
        var protocol = compact ? ThriftWireProtocol.Compact : ThriftWireProtocol.Binary;
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 1, [FlumeEvent.FromText("a"), FlumeEvent.FromText("bc")], 0, 2);
        var buffer = EventBuffer.Rent(output.WrittenCount);
        output.WrittenSpan.CopyTo(buffer.Memory.Span);

        Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeCall(protocol, buffer.Memory.Span, 10, out var call, out _, buffer));

        Assert.Equal(["a", "bc"], call.Events!.Select(e => System.Text.Encoding.UTF8.GetString(e.Body.Span)));
        Assert.All(call.Events!, e => Assert.Same(buffer, e.Buffer));
    }

    [Fact]
    public void Decoding_without_a_buffer_gives_each_event_its_own_body()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteEvents(output, [FlumeEvent.FromText("x")], 0, 1);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvents(ref reader, 10, out var events));
        Assert.Null(events![0].Buffer);
    }

    [Fact]
    public void Adjust_counts_one_reference_per_event_and_the_last_release_empties_the_buffer()
    {
        var a = EventBuffer.Rent(16);
        var b = EventBuffer.Rent(16);
        var events = new List<FlumeEvent>
        {
            new(default, null, a.Memory[..1], a), new(default, null, a.Memory[1..2], a), new(default, null, b.Memory[..1], b), FlumeEvent.FromText("own"), new(default, null, a.Memory[2..3], a),
        };

        EventBuffer.Adjust(events, +1);
        Assert.Equal(4, a.References);
        Assert.Equal(2, b.References);

        a.Release();
        b.Release();
        EventBuffer.Adjust(events, -1);
        Assert.Equal(0, a.References);
        Assert.Equal(0, b.References);
    }

    [Fact]
    public void Releasing_more_than_was_retained_or_retaining_an_empty_buffer_is_refused()
    {
        var buffer = EventBuffer.Rent(8);
        buffer.Release();
        Assert.Throws<InvalidOperationException>(() => buffer.Retain(1));
        var other = EventBuffer.Rent(8);
        other.Release();
        Assert.Throws<InvalidOperationException>(() => other.Release());
    }

    [Fact]
    public void The_last_release_hands_the_buffer_and_its_event_objects_to_the_next_request()
    {
        var pool = new EventBufferPool();
        var first = Decode(pool, FlumeEvent.FromText("one", new Dictionary<string, string> { ["k"] = "v" }), FlumeEvent.FromText("two"));
        var firstEvents = first.Events.ToArray();
        first.Release();
        Assert.Equal(1, pool.Count);

        var second = Decode(pool, FlumeEvent.FromText("three"));

        Assert.Same(first, second);
        Assert.Equal(0, pool.Count);
        var reused = Assert.Single(second.Events);
        Assert.Same(firstEvents[0], reused);
        Assert.Equal("three", System.Text.Encoding.UTF8.GetString(reused.Body.Span));
        Assert.Empty(reused.Headers);
        Assert.Same(second, reused.Buffer);
    }

    [Fact]
    public void A_buffer_still_retained_by_a_channel_is_not_reused()
    {
        var pool = new EventBufferPool();
        var buffer = Decode(pool, FlumeEvent.FromText("kept"));
        EventBuffer.Adjust(buffer.Events, +1);
        buffer.Release();

        Assert.Equal(0, pool.Count);
        Assert.NotSame(buffer, pool.Rent(8));
        Assert.Equal("kept", System.Text.Encoding.UTF8.GetString(buffer.Events[0].Body.Span));

        EventBuffer.Adjust(buffer.Events, -1);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void A_buffer_that_decoded_a_huge_batch_keeps_none_of_its_event_objects()
    {
        var pool = new EventBufferPool();
        var huge = Enumerable.Range(0, EventBuffer.MaxSpareEvents + 1).Select(i => FlumeEvent.FromText("e")).ToArray();
        var first = Decode(pool, huge);
        var someEvent = first.Events[0];
        first.Release();

        var second = Decode(pool, FlumeEvent.FromText("small"));

        Assert.Same(first, second);
        Assert.NotSame(someEvent, second.Events[0]);
    }

    [Fact]
    public void The_pool_keeps_no_more_buffers_than_its_limit()
    {
        var pool = new EventBufferPool(maxPooled: 3);
        var buffers = Enumerable.Range(0, 5).Select(_ => pool.Rent(8)).ToList();
        buffers.ForEach(b => b.Release());

        Assert.Equal(3, pool.Count);
    }

    private static EventBuffer Decode(EventBufferPool pool, params FlumeEvent[] events)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteEvents(output, events, 0, events.Length);
        var buffer = pool.Rent(output.WrittenCount);
        output.WrittenSpan.CopyTo(buffer.Memory.Span);
        var reader = new AvroReader(buffer.Memory.Span);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvents(ref reader, int.MaxValue, out var decoded, buffer));
        Assert.Same(buffer.Events, decoded);
        return buffer;
    }
}
