using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

public sealed class BinaryProtocolTests
{
    private static readonly byte[] StrictCall = [0x80, 0x01, 0x00, 0x01, 0, 0, 0, 6, .. "append"u8, 0, 0, 0, 5];

    [Fact]
    public void Writes_strict_versioned_message_headers()
    {
        var bytes = ThriftBytes.Binary((ref BinaryProtocolWriter w) => w.WriteMessageBegin("append"u8, ThriftMessageType.Call, 5));

        Assert.Equal(StrictCall, bytes);
    }

    [Fact]
    public void Reads_strict_message_headers()
    {
        ReadOnlySpan<byte> frame = StrictCall;
        var reader = new BinaryProtocolReader(frame);

        Assert.True(reader.ReadMessageBegin(frame, out var start, out var length, out var type, out var seqId));
        Assert.Equal((8, 6, ThriftMessageType.Call, 5), (start, length, type, seqId));
    }

    [Fact]
    public void Reads_old_non_strict_message_headers()
    {
        byte[] bytes = [0, 0, 0, 6, .. "append"u8, 1, 0, 0, 0, 5];
        ReadOnlySpan<byte> frame = bytes;
        var reader = new BinaryProtocolReader(frame);

        Assert.True(reader.ReadMessageBegin(frame, out var start, out var length, out var type, out var seqId));
        Assert.Equal((4, 6, ThriftMessageType.Call, 5), (start, length, type, seqId));
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Rejects_an_unknown_version()
    {
        ReadOnlySpan<byte> frame = new byte[] { 0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0 };
        var reader = new BinaryProtocolReader(frame);

        Assert.False(reader.ReadMessageBegin(frame, out _, out _, out _, out _));
        Assert.Equal("binary message has an unknown version", reader.Error.Reason);
    }

    [Fact]
    public void Rejects_a_non_strict_name_longer_than_the_frame()
    {
        ReadOnlySpan<byte> frame = new byte[] { 0x00, 0x10, 0x00, 0x00, 1, 2, 3 };
        var reader = new BinaryProtocolReader(frame);

        Assert.False(reader.ReadMessageBegin(frame, out _, out _, out _, out _));
        Assert.Equal("message name length is larger than the bytes left in the frame", reader.Error.Reason);
    }

    [Fact]
    public void Writes_field_map_and_list_headers_with_fixed_widths()
    {
        var bytes = ThriftBytes.Binary((ref BinaryProtocolWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.Map, 1);
            w.WriteMapBegin(ThriftType.String, ThriftType.String, 0);
            w.WriteFieldBegin(ThriftType.List, 2);
            w.WriteListBegin(ThriftType.Struct, 3);
        });

        Assert.Equal(new byte[] { 13, 0, 1, 11, 11, 0, 0, 0, 0, 15, 0, 2, 12, 0, 0, 0, 3 }, bytes);
    }

    [Fact]
    public void Rejects_negative_sizes()
    {
        ReadOnlySpan<byte> frame = new byte[] { 12, 0xff, 0xff, 0xff, 0xfe };
        var reader = new BinaryProtocolReader(frame);

        Assert.False(reader.ReadListBegin(frame, out _, out _));
        Assert.Equal("size is negative", reader.Error.Reason);
    }

    [Fact]
    public void Rejects_a_map_size_larger_than_the_bytes_left()
    {
        ReadOnlySpan<byte> frame = new byte[] { 11, 11, 0, 0, 0, 2, 1, 2, 3 };
        var reader = new BinaryProtocolReader(frame);

        Assert.False(reader.ReadMapBegin(frame, out _, out _, out _));
        Assert.Equal("map size is larger than the bytes left in the frame", reader.Error.Reason);
    }

    [Fact]
    public void Writes_doubles_big_endian()
    {
        var bytes = ThriftBytes.Binary((ref BinaryProtocolWriter w) => w.WriteDouble(1.0));

        Assert.Equal(new byte[] { 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 }, bytes);
    }
}
