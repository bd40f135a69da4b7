using System.Buffers;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Protocol.Tests.Avro;

public class AvroPrimitiveTests
{
    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(-1L, new byte[] { 0x01 })]
    [InlineData(1L, new byte[] { 0x02 })]
    [InlineData(-64L, new byte[] { 0x7F })]
    [InlineData(64L, new byte[] { 0x80, 0x01 })]
    [InlineData(8192L, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(long.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Long_is_a_zigzag_varint_as_the_spec_shows(long value, byte[] expected)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(output, value);
        Assert.Equal(expected, output.WrittenSpan.ToArray());

        var reader = new AvroReader(expected);
        Assert.Equal(OperationStatus.Done, reader.ReadLong(out var decoded));
        Assert.Equal(value, decoded);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Varint_longer_than_a_long_is_invalid()
    {
        var reader = new AvroReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
        Assert.Equal(OperationStatus.InvalidData, reader.ReadLong(out _));
        Assert.Contains("varint", reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Varint_cut_short_needs_more_data()
    {
        var reader = new AvroReader([0x80, 0x80]);
        Assert.Equal(OperationStatus.NeedMoreData, reader.ReadLong(out _));
    }

    [Fact]
    public void Int_out_of_range_is_invalid()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(output, (long)int.MaxValue + 1);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.InvalidData, reader.ReadInt(out _));
    }

    [Theory]
    [InlineData(new byte[] { 0 }, OperationStatus.Done, false)]
    [InlineData(new byte[] { 1 }, OperationStatus.Done, true)]
    [InlineData(new byte[] { 2 }, OperationStatus.InvalidData, false)]
    [InlineData(new byte[0], OperationStatus.NeedMoreData, false)]
    public void Boolean_is_one_byte_zero_or_one(byte[] bytes, OperationStatus status, bool value)
    {
        var reader = new AvroReader(bytes);
        Assert.Equal(status, reader.ReadBoolean(out var decoded));
        Assert.Equal(value, decoded);
    }

    [Fact]
    public void String_is_length_then_utf8()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteString(output, "fé");
        Assert.Equal(new byte[] { 0x06, 0x66, 0xC3, 0xA9 }, output.WrittenSpan.ToArray());
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, reader.ReadString(out var text));
        Assert.Equal("fé", text);
    }

    [Fact]
    public void String_with_invalid_utf8_is_invalid()
    {
        var reader = new AvroReader([0x02, 0xFF]);
        Assert.Equal(OperationStatus.InvalidData, reader.ReadString(out _));
        Assert.Contains("UTF-8", reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_with_negative_length_are_invalid()
    {
        var reader = new AvroReader([0x01]);
        Assert.Equal(OperationStatus.InvalidData, reader.ReadBytes(out _));
        Assert.Contains("negative length", reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_longer_than_the_data_need_more_data_without_allocating()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(output, int.MaxValue);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.NeedMoreData, reader.ReadBytes(out _));
    }

    [Fact]
    public void Fixed_is_raw_bytes()
    {
        var reader = new AvroReader([1, 2, 3]);
        Assert.Equal(OperationStatus.Done, reader.ReadFixed(2, out var value));
        Assert.Equal(new byte[] { 1, 2 }, value.ToArray());
        Assert.Equal(OperationStatus.NeedMoreData, reader.ReadFixed(2, out _));
    }

    [Fact]
    public void Negative_block_count_is_followed_by_a_byte_size()
    {
        // count -1 (0x01), byte size 4 (0x08), key "a", value "b", then the end block.
        var reader = new AvroReader([0x01, 0x08, 0x02, (byte)'a', 0x02, (byte)'b', 0x00, 0x00]);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvent(ref reader, out var flumeEvent));
        Assert.Equal("b", flumeEvent!.Headers["a"]);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Block_count_over_the_cap_is_invalid()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(output, 11);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.InvalidData, reader.ReadBlockCount(2, 10, "test items", out _));
        Assert.Contains("test items has 11 items", reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_count_beyond_the_bytes_left_needs_more_data()
    {
        var reader = new AvroReader([0x14, 0x00]);
        Assert.Equal(OperationStatus.NeedMoreData, reader.ReadBlockCount(2, int.MaxValue, "test items", out _));
    }

    [Fact]
    public void Status_enum_maps_to_event_status()
    {
        foreach (var (index, status) in new[] { (0, EventStatus.Ok), (1, EventStatus.Failed), (2, EventStatus.Unknown) })
        {
            var output = new ArrayBufferWriter<byte>();
            AvroEventCodec.WriteStatus(output, status);
            Assert.Equal(new[] { (byte)(index * 2) }, output.WrittenSpan.ToArray());
            var reader = new AvroReader(output.WrittenSpan);
            Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadStatus(ref reader, out var decoded));
            Assert.Equal(status, decoded);
        }

        var bad = new AvroReader([0x06]);
        Assert.Equal(OperationStatus.InvalidData, AvroEventCodec.ReadStatus(ref bad, out _));
    }
}
