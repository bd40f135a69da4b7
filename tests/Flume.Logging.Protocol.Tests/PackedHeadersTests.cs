using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests;

public class PackedHeadersTests
{
    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("flume.client.log4j.logger.name", "Orders"),
        new("host", "h\u00e9te-1"),
        new("empty", ""),
    ];

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("order 42 shipped");

    [Fact]
    public void A_packed_event_encodes_to_the_same_avro_bytes_as_the_same_headers_in_a_map()
    {
        Assert.Equal(Avro(MapEvent()), Avro(PackedEvent()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_packed_event_encodes_to_the_same_thrift_bytes_as_the_same_headers_in_a_map(bool binary)
    {
        var protocol = binary ? ThriftWireProtocol.Binary : ThriftWireProtocol.Compact;
        Assert.Equal(Thrift(protocol, MapEvent()), Thrift(protocol, PackedEvent()));
    }

    [Fact]
    public void Reading_the_headers_of_a_packed_event_gives_them_as_strings()
    {
        var flumeEvent = PackedEvent();

        Assert.Equal(Headers.ToDictionary(), flumeEvent.Headers);
        Assert.Equal(Body, flumeEvent.Body.ToArray());
    }

    [Fact]
    public void A_packed_event_whose_headers_were_changed_encodes_the_changes()
    {
        var flumeEvent = PackedEvent();
        flumeEvent.Headers["host"] = "other";
        flumeEvent.Headers.Remove("empty");

        var expected = new FlumeEvent(new Dictionary<string, string> { ["flume.client.log4j.logger.name"] = "Orders", ["host"] = "other" }, Body);
        Assert.Equal(Avro(expected), Avro(flumeEvent));
    }

    private static FlumeEvent MapEvent() => new(new Dictionary<string, string>(Headers, StringComparer.Ordinal), Body);

    private static FlumeEvent PackedEvent()
    {
        var packed = new ArrayBufferWriter<byte>();
        foreach (var (key, value) in Headers)
        {
            Field(packed, key);
            Field(packed, value);
        }

        return new FlumeEvent(new PackedHeaders(packed.WrittenMemory, Headers.Length), Body);
    }

    private static void Field(ArrayBufferWriter<byte> output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(PackedHeaders.LengthPrefix), bytes.Length);
        output.Advance(PackedHeaders.LengthPrefix);
        output.Write(bytes);
    }

    private static byte[] Avro(FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroCall.WriteAppendBatchRequest(output, [flumeEvent, flumeEvent], 0, 2);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Thrift(ThriftWireProtocol protocol, FlumeEvent flumeEvent)
    {
        var output = new ArrayBufferWriter<byte>();
        ThriftMessageCodec.WriteAppendBatchCall(protocol, output, 7, [flumeEvent, flumeEvent], 0, 2);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Duplicate_keys_are_found_in_every_layout()
    {
        Assert.False(Packed(("a", "1"), ("b", "2"), ("c", "3")).HasDuplicateKeys());
        Assert.True(Packed(("a", "1"), ("b", "2"), ("a", "3")).HasDuplicateKeys());

        var avro = new ArrayBufferWriter<byte>();
        foreach (var text in new[] { "a", "1", "b", "2", "b", "3" })
        {
            AvroWriter.WriteString(avro, text);
        }

        Assert.False(PackedHeaders.TryFromWireEntries(avro.WrittenMemory, 3, PackedLayout.Avro, out _));
        Assert.True(PackedHeaders.TryFromWireEntries(avro.WrittenMemory[..^4], 2, PackedLayout.Avro, out var distinct));
        Assert.False(distinct.HasDuplicateKeys());

        // Thrift's compact protocol writes an unsigned varint before each string, the binary protocol 4 bytes big-endian.
        byte[] compact = [1, (byte)'a', 1, (byte)'1', 1, (byte)'b', 1, (byte)'2', 1, (byte)'b', 1, (byte)'3'];
        Assert.False(PackedHeaders.TryFromWireEntries(compact, 3, PackedLayout.ThriftCompact, out _));
        Assert.True(PackedHeaders.TryFromWireEntries(compact.AsMemory(0, 8), 2, PackedLayout.ThriftCompact, out _));
        byte[] binary = [0, 0, 0, 1, (byte)'a', 0, 0, 0, 1, (byte)'1', 0, 0, 0, 1, (byte)'a', 0, 0, 0, 1, (byte)'2'];
        Assert.False(PackedHeaders.TryFromWireEntries(binary, 2, PackedLayout.ThriftBinary, out _));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2" }, PackedHeaders.ToDictionary(binary, 2, PackedLayout.ThriftBinary));
    }

    private static PackedHeaders Packed(params (string Key, string Value)[] headers)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (key, value) in headers)
        {
            foreach (var text in new[] { key, value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), bytes.Length);
                output.Advance(4);
                output.Write(bytes);
            }
        }

        return new PackedHeaders(output.WrittenMemory, headers.Length);
    }
}
