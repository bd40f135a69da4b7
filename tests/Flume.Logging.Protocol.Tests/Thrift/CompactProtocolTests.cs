using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

public sealed class CompactProtocolTests
{
    [Theory]
    [InlineData(0, 0u)]
    [InlineData(-1, 1u)]
    [InlineData(1, 2u)]
    [InlineData(-2, 3u)]
    [InlineData(int.MaxValue, 0xFFFFFFFEu)]
    [InlineData(int.MinValue, 0xFFFFFFFFu)]
    public void Zigzag_maps_small_magnitudes_to_small_numbers(int value, uint zigzag)
    {
        Assert.Equal(zigzag, CompactProtocolWriter.IntToZigzag(value));
        Assert.Equal(value, CompactProtocolReader.ZigzagToInt(zigzag));
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(63, new byte[] { 0x7e })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(300, new byte[] { 0xd8, 0x04 })]
    [InlineData(int.MinValue, new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f })]
    public void Writes_i32_as_zigzag_varint(int value, byte[] expected)
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteI32(value));

        Assert.Equal(expected, bytes);
        ReadOnlySpan<byte> frame = bytes;
        var reader = new CompactProtocolReader(frame);
        Assert.True(reader.ReadI32(frame, out var read));
        Assert.Equal(value, read);
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-1234567890123L)]
    public void Round_trips_i64_extremes_in_at_most_ten_bytes(long value)
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteI64(value));

        Assert.True(bytes.Length <= 10);
        ReadOnlySpan<byte> frame = bytes;
        var reader = new CompactProtocolReader(frame);
        Assert.True(reader.ReadI64(frame, out var read));
        Assert.Equal(value, read);
    }

    [Fact]
    public void Rejects_a_varint_longer_than_five_bytes()
    {
        ReadOnlySpan<byte> frame = new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
        var reader = new CompactProtocolReader(frame);

        Assert.False(reader.ReadI32(frame, out _));
        Assert.Equal("varint is longer than 5 bytes", reader.Error.Reason);
    }

    [Fact]
    public void Writes_field_headers_as_deltas_up_to_15_and_long_form_otherwise()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) =>
        {
            var saved = w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.I32, 1);
            w.WriteI32(0);
            w.WriteFieldBegin(ThriftType.I32, 16);
            w.WriteI32(0);
            w.WriteFieldBegin(ThriftType.I32, 40);
            w.WriteI32(0);
            w.WriteFieldBegin(ThriftType.I32, 3);
            w.WriteI32(0);
            w.WriteStructEnd(saved);
        });

        // delta 1; delta 15; long form with zigzag id 40 -> 80; a smaller id -> long form, zigzag 3 -> 6; stop.
        Assert.Equal(new byte[] { 0x15, 0, 0xf5, 0, 0x05, 80, 0, 0x05, 6, 0, 0 }, bytes);
        ReadOnlySpan<byte> frame = bytes;
        var reader = new CompactProtocolReader(frame);
        reader.ReadStructBegin();
        foreach (var id in new short[] { 1, 16, 40, 3 })
        {
            Assert.True(reader.ReadFieldBegin(frame, out var type, out var readId));
            Assert.Equal((ThriftType.I32, id), (type, readId));
            Assert.True(reader.ReadI32(frame, out _));
        }

        Assert.True(reader.ReadFieldBegin(frame, out var stop, out _));
        Assert.Equal(ThriftType.Stop, stop);
    }

    [Fact]
    public void Restores_the_field_id_base_after_a_nested_struct()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) =>
        {
            var outer = w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Struct, 5);
            var inner = w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Byte, 9);
            w.WriteByte(1);
            w.WriteStructEnd(inner);
            w.WriteFieldBegin(ThriftType.Byte, 6);
            w.WriteByte(2);
            w.WriteStructEnd(outer);
        });

        Assert.Equal(new byte[] { 0x5c, 0x93, 1, 0, 0x13, 2, 0 }, bytes);
    }

    [Fact]
    public void Carries_a_bool_fields_value_in_its_header()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) =>
        {
            var saved = w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Bool, 1);
            w.WriteBool(true);
            w.WriteFieldBegin(ThriftType.Bool, 2);
            w.WriteBool(false);
            w.WriteStructEnd(saved);
        });

        Assert.Equal(new byte[] { 0x11, 0x12, 0 }, bytes);
        ReadOnlySpan<byte> frame = bytes;
        var reader = new CompactProtocolReader(frame);
        reader.ReadStructBegin();
        Assert.True(reader.ReadFieldBegin(frame, out var type, out _));
        Assert.Equal(ThriftType.Bool, type);
        Assert.True(reader.ReadBool(frame, out var first));
        Assert.True(reader.ReadFieldBegin(frame, out _, out _));
        Assert.True(reader.ReadBool(frame, out var second));
        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public void Carries_a_bool_field_with_a_negative_id_in_its_long_form_header()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.Bool, -1);
            w.WriteBool(true);
        });

        Assert.Equal(new byte[] { 0x01, 0x01 }, bytes);
    }

    [Fact]
    public void Writes_an_empty_map_as_a_single_zero_byte()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteMapBegin(ThriftType.String, ThriftType.String, 0));

        Assert.Equal(new byte[] { 0 }, bytes);
        ReadOnlySpan<byte> frame = bytes;
        var reader = new CompactProtocolReader(frame);
        Assert.True(reader.ReadMapBegin(frame, out _, out _, out var count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void Writes_a_map_header_as_size_then_key_and_value_type_nibbles()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteMapBegin(ThriftType.String, ThriftType.I32, 1));

        Assert.Equal(new byte[] { 0x01, 0x85 }, bytes);
    }

    [Theory]
    [InlineData(0, new byte[] { 0x0c })]
    [InlineData(3, new byte[] { 0x3c })]
    [InlineData(14, new byte[] { 0xec })]
    [InlineData(15, new byte[] { 0xfc, 0x0f })]
    [InlineData(300, new byte[] { 0xfc, 0xac, 0x02 })]
    public void Writes_short_list_sizes_in_the_header_nibble_and_long_ones_as_a_varint(int count, byte[] expected)
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteListBegin(ThriftType.Struct, count));

        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Rejects_a_list_size_larger_than_the_bytes_left()
    {
        ReadOnlySpan<byte> frame = new byte[] { 0xfc, 0xac, 0x02, 0, 0 };
        var reader = new CompactProtocolReader(frame);

        Assert.False(reader.ReadListBegin(frame, out _, out _));
        Assert.Equal("list size is larger than the bytes left in the frame", reader.Error.Reason);
    }

    [Fact]
    public void Rejects_a_negative_string_length()
    {
        ReadOnlySpan<byte> frame = new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f };
        var reader = new CompactProtocolReader(frame);

        Assert.False(reader.ReadBinary(frame, out _, out _));
        Assert.Equal("size is negative", reader.Error.Reason);
    }

    [Fact]
    public void Writes_the_message_header_as_protocol_id_version_and_type_seqid_and_name()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteMessageBegin("append"u8, ThriftMessageType.Call, 300));

        byte[] expected = [0x82, 0x21, 0xac, 0x02, 6, .. "append"u8];
        Assert.Equal(expected, bytes);
        ReadOnlySpan<byte> frame = bytes;
        var reader = new CompactProtocolReader(frame);
        Assert.True(reader.ReadMessageBegin(frame, out var start, out var length, out var type, out var seqId));
        Assert.Equal((5, 6, ThriftMessageType.Call, 300), (start, length, type, seqId));
    }

    [Fact]
    public void Writes_doubles_little_endian()
    {
        var bytes = ThriftBytes.Compact((ref CompactProtocolWriter w) => w.WriteDouble(1.0));

        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0xf0, 0x3f }, bytes);
    }
}
