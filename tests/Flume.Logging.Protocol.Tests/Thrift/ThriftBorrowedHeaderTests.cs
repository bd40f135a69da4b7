using System.Buffers;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

/// <summary>
/// Headers of a Thrift request whose events borrow from its buffer stay there, in the protocol's own layout, when
/// they can be read back exactly (few, distinct, valid UTF-8); any other map is decoded as it is without borrowing.
/// </summary>
public sealed class ThriftBorrowedHeaderTests
{
    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["timestamp"] = "1733400000000",
        ["host"] = "h\u00e9te-1",
        ["empty"] = "",
        ["Q1"] = "first",
        ["Q2"] = "ZZ",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Borrowed_headers_stay_in_the_request_until_asked_and_then_read_as_strings(bool binary)
    {
        var protocol = binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
        var (buffer, events) = DecodeBorrowed(protocol, Wire(protocol, new FlumeEvent(new Dictionary<string, string>(Headers), "body"u8.ToArray())));
        var flumeEvent = Assert.Single(events);

        Assert.True(flumeEvent.TryGetPacked(out var packed));
        Assert.False(packed.TryGetAvroEntries(out _));
        Assert.Equal(Headers.Count, flumeEvent.HeaderCount);
        Assert.Equal(Headers, flumeEvent.Headers);
        Assert.False(flumeEvent.TryGetPacked(out _));
        buffer.Release();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Borrowed_headers_encode_to_the_same_bytes_as_the_headers_in_a_map_in_avro_and_both_thrift_protocols(bool binary)
    {
        var protocol = binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
        var original = new FlumeEvent(new Dictionary<string, string>(Headers), "body"u8.ToArray());
        var (buffer, events) = DecodeBorrowed(protocol, Wire(protocol, original));

        Assert.True(events[0].TryGetPacked(out _));
        Assert.Equal(AvroBytes(original), AvroBytes(events[0]));
        foreach (var other in new[] { ThriftWireProtocol.Compact, ThriftWireProtocol.Binary })
        {
            Assert.Equal(Wire(other, original), Wire(other, events[0]));
        }

        buffer.Release();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_repeated_key_is_read_as_a_map_whose_last_value_wins(bool binary)
    {
        var protocol = binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
        var wire = Wire(protocol, new FlumeEvent(new Dictionary<string, string>(Headers), "b"u8.ToArray()));
        Replace(wire, "Q2"u8, "Q1"u8);

        var (buffer, events) = DecodeBorrowed(protocol, wire);

        Assert.False(events[0].TryGetPacked(out _));
        Assert.Equal("ZZ", events[0].Headers["Q1"]);
        Assert.Equal(Headers.Count - 1, events[0].HeaderCount);
        Assert.Equal(DecodeCopied(protocol, wire)[0].Headers, events[0].Headers);
        buffer.Release();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_that_is_not_utf8_reads_with_replacement_characters_as_without_borrowing(bool binary)
    {
        var protocol = binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
        var wire = Wire(protocol, new FlumeEvent(new Dictionary<string, string>(Headers), "b"u8.ToArray()));
        Replace(wire, "ZZ"u8, [0xC3, 0x28]);

        var (buffer, events) = DecodeBorrowed(protocol, wire);

        Assert.False(events[0].TryGetPacked(out _));
        Assert.Equal("\uFFFD(", events[0].Headers["Q2"]);
        Assert.Equal(DecodeCopied(protocol, wire)[0].Headers, events[0].Headers);
        buffer.Release();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void More_headers_than_are_compared_pairwise_are_read_as_a_map(bool binary)
    {
        var protocol = binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
        var many = Enumerable.Range(0, 17).ToDictionary(i => $"k{i}", i => $"v{i}");
        var (buffer, events) = DecodeBorrowed(protocol, Wire(protocol, new FlumeEvent(new Dictionary<string, string>(many), "b"u8.ToArray())));

        Assert.False(events[0].TryGetPacked(out _));
        Assert.Equal(many, events[0].Headers);
        buffer.Release();
    }

    private static byte[] Wire(ThriftWireProtocol protocol, FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 1, [flumeEvent], 0, 1);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] AvroBytes(FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteEvent(output, flumeEvent);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Overwrites the one place <paramref name="from"/> occurs in <paramref name="wire"/>.</summary>
    private static void Replace(byte[] wire, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        var at = wire.AsSpan().IndexOf(from);
        Assert.True(at >= 0 && wire.AsSpan(at + 1).IndexOf(from) < 0);
        to.CopyTo(wire.AsSpan(at));
    }

    private static (EventBuffer Buffer, IReadOnlyList<FlumeEvent> Events) DecodeBorrowed(ThriftWireProtocol protocol, byte[] wire)
    {
        var buffer = EventBufferPool.Shared.Rent(wire.Length);
        wire.CopyTo(buffer.Memory.Span);
        Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeCall(protocol, buffer.Memory.Span, 100, out var call, out _, buffer));
        return (buffer, call.Events!);
    }

    private static IReadOnlyList<FlumeEvent> DecodeCopied(ThriftWireProtocol protocol, byte[] wire)
    {
        Assert.Equal(OperationStatus.Done, ThriftMessageCodec.DecodeCall(protocol, wire, 100, out var call, out _));
        return call.Events!;
    }
}
