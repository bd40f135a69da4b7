using System.Buffers;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Avro;

public sealed class BorrowedHeaderTests
{
    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["timestamp"] = "1733400000000",
        ["host"] = "h\u00e9te-1",
        ["empty"] = "",
    };

    [Fact]
    public void Borrowed_headers_stay_in_the_request_until_asked_and_then_read_as_strings()
    {
        var (buffer, events) = DecodeBorrowed(new FlumeEvent(new Dictionary<string, string>(Headers), "body"u8.ToArray()));
        var flumeEvent = Assert.Single(events);

        Assert.True(flumeEvent.TryGetPacked(out var packed));
        Assert.True(packed.TryGetAvroEntries(out _));
        Assert.Equal(3, flumeEvent.HeaderCount);
        Assert.Equal(Headers, flumeEvent.Headers);
        Assert.False(flumeEvent.TryGetPacked(out _));
        buffer.Release();
    }

    [Fact]
    public void Borrowed_headers_encode_to_the_bytes_they_arrived_as_in_avro_and_thrift()
    {
        var original = new FlumeEvent(new Dictionary<string, string>(Headers), "body"u8.ToArray());
        var (buffer, events) = DecodeBorrowed(original);

        Assert.Equal(AvroBytes(original), AvroBytes(events[0]));
        foreach (var protocol in new[] { ThriftWireProtocol.Compact, ThriftWireProtocol.Binary })
        {
            Assert.Equal(ThriftBytes(protocol, original), ThriftBytes(protocol, events[0]));
        }

        buffer.Release();
    }

    [Fact]
    public void A_repeated_key_is_read_as_a_map_whose_last_value_wins()
    {
        var wire = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(wire, 1);
        AvroWriter.WriteLong(wire, 2);
        AvroWriter.WriteString(wire, "k");
        AvroWriter.WriteString(wire, "first");
        AvroWriter.WriteString(wire, "k");
        AvroWriter.WriteString(wire, "last");
        AvroWriter.WriteLong(wire, 0);
        AvroWriter.WriteBytes(wire, "b"u8);
        AvroWriter.WriteLong(wire, 0);

        var (buffer, events) = DecodeBorrowed(wire.WrittenSpan);

        Assert.False(events[0].TryGetPacked(out _));
        Assert.Equal(new Dictionary<string, string> { ["k"] = "last" }, events[0].Headers);
        buffer.Release();
    }

    [Fact]
    public void Headers_in_several_blocks_are_read_as_a_map()
    {
        var wire = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(wire, 1);
        AvroWriter.WriteLong(wire, 1);
        AvroWriter.WriteString(wire, "a");
        AvroWriter.WriteString(wire, "1");
        AvroWriter.WriteLong(wire, 1);
        AvroWriter.WriteString(wire, "b");
        AvroWriter.WriteString(wire, "2");
        AvroWriter.WriteLong(wire, 0);
        AvroWriter.WriteBytes(wire, "b"u8);
        AvroWriter.WriteLong(wire, 0);

        var (buffer, events) = DecodeBorrowed(wire.WrittenSpan);

        Assert.False(events[0].TryGetPacked(out _));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, events[0].Headers);
        buffer.Release();
    }

    [Fact]
    public void A_header_that_is_not_utf8_is_refused_as_without_borrowing()
    {
        var wire = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(wire, 1);
        AvroWriter.WriteLong(wire, 1);
        AvroWriter.WriteString(wire, "k");
        AvroWriter.WriteBytes(wire, [0xC3, 0x28]);
        AvroWriter.WriteLong(wire, 0);
        AvroWriter.WriteBytes(wire, "b"u8);
        AvroWriter.WriteLong(wire, 0);
        var buffer = Fill(wire.WrittenSpan);

        var borrowing = new AvroReader(buffer.Memory.Span);
        var copying = new AvroReader(wire.WrittenSpan);

        Assert.Equal(OperationStatus.InvalidData, AvroEventCodec.ReadEvents(ref borrowing, 10, out _, buffer));
        Assert.Equal(OperationStatus.InvalidData, AvroEventCodec.ReadEvents(ref copying, 10, out _));
        Assert.Contains("not valid UTF-8", borrowing.Error, StringComparison.Ordinal);
        Assert.Equal(copying.Error, borrowing.Error);
        buffer.Release();
    }

    [Fact]
    public void More_headers_than_are_compared_pairwise_are_read_as_a_map()
    {
        var many = Enumerable.Range(0, 17).ToDictionary(i => $"k{i}", i => $"v{i}");
        var (buffer, events) = DecodeBorrowed(new FlumeEvent(new Dictionary<string, string>(many), "b"u8.ToArray()));

        Assert.False(events[0].TryGetPacked(out _));
        Assert.Equal(many, events[0].Headers);
        buffer.Release();
    }

    [Fact]
    public void A_reused_event_does_not_keep_the_headers_of_the_request_before()
    {
        var pool = new EventBufferPool();
        var (first, _) = DecodeBorrowed(new FlumeEvent(new Dictionary<string, string>(Headers), "one"u8.ToArray()), pool);
        var firstEvent = first.Events[0];
        first.Release();

        var (second, events) = DecodeBorrowed(new FlumeEvent("two"u8.ToArray()), pool);

        Assert.Same(firstEvent, events[0]);
        Assert.Equal(0, events[0].HeaderCount);
        Assert.Empty(events[0].Headers);
        second.Release();
    }

    private static (EventBuffer Buffer, IReadOnlyList<FlumeEvent> Events) DecodeBorrowed(FlumeEvent flumeEvent, EventBufferPool? pool = null)
    {
        var wire = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteEvents(wire, [flumeEvent], 0, 1);
        return DecodeBorrowed(wire.WrittenSpan, pool);
    }

    private static (EventBuffer Buffer, IReadOnlyList<FlumeEvent> Events) DecodeBorrowed(ReadOnlySpan<byte> wire, EventBufferPool? pool = null)
    {
        var buffer = Fill(wire, pool);
        var reader = new AvroReader(buffer.Memory.Span);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvents(ref reader, 10, out var events, buffer));
        return (buffer, events!);
    }

    private static EventBuffer Fill(ReadOnlySpan<byte> wire, EventBufferPool? pool = null)
    {
        var buffer = (pool ?? EventBufferPool.Shared).Rent(wire.Length);
        wire.CopyTo(buffer.Memory.Span);
        return buffer;
    }

    private static byte[] AvroBytes(FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteEvent(output, flumeEvent);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] ThriftBytes(ThriftWireProtocol protocol, FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 1, [flumeEvent], 0, 1);
        return output.WrittenSpan.ToArray();
    }
}
