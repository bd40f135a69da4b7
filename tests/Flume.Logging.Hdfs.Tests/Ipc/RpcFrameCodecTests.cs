using System.Buffers;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Tests.Ipc;

public sealed class RpcFrameCodecTests
{
    private static readonly RpcResponseHeaderProto Header = new()
    {
        CallId = 7,
        Status = RpcResponseHeaderProto.Types.RpcStatusProto.Success,
        ClientId = ByteString.CopyFrom(new byte[16]),
    };

    private static readonly GetFileInfoRequestProto Body = new() { Src = "/flume/events.1" };

    private static byte[] Frame(params IMessage[] messages)
    {
        var bytes = new byte[RpcFrameCodec.FrameLength(messages)];
        RpcFrameCodec.WriteFrame(bytes, messages);
        return bytes;
    }

    [Fact]
    public void A_written_frame_reads_back_as_its_delimited_messages()
    {
        var bytes = Frame(Header, Body);

        Assert.Equal(DecodeStatus.Done, RpcFrameCodec.TryReadFrame(new ReadOnlySequence<byte>(bytes), out var payload, out var consumed));
        Assert.Equal(bytes.Length, payload.Length + 4);
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, consumed).Length);
        Assert.Equal(DecodeStatus.Done, RpcFrameCodec.TryReadDelimited(ref payload, RpcResponseHeaderProto.Parser, out var header));
        Assert.Equal(DecodeStatus.Done, RpcFrameCodec.TryReadDelimited(ref payload, GetFileInfoRequestProto.Parser, out var body));
        Assert.Equal(Header, header);
        Assert.Equal(Body, body);
        Assert.Equal(0, payload.Length);
    }

    [Fact]
    public void Every_proper_prefix_of_a_frame_needs_more()
    {
        var bytes = Frame(Header, Body);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(DecodeStatus.NeedMore, RpcFrameCodec.TryReadFrame(new ReadOnlySequence<byte>(bytes, 0, length), out _, out _));
        }
    }

    [Fact]
    public void Two_frames_in_one_buffer_are_read_one_after_the_other()
    {
        var bytes = Frame(Header).Concat(Frame(Header, Body)).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(DecodeStatus.Done, RpcFrameCodec.TryReadFrame(buffer, out var first, out var consumed));
        buffer = buffer.Slice(consumed);
        Assert.Equal(DecodeStatus.Done, RpcFrameCodec.TryReadFrame(buffer, out var second, out consumed));
        Assert.Equal(0, buffer.Slice(consumed).Length);
        Assert.True(first.Length < second.Length);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0, 0, 0 })]
    [InlineData(new byte[] { 0x08, 0, 0, 1 })]
    public void A_negative_or_oversized_length_is_an_error(byte[] prefix)
    {
        Assert.Equal(DecodeStatus.Error, RpcFrameCodec.TryReadFrame(new ReadOnlySequence<byte>(prefix), out _, out _));
    }

    [Fact]
    public void A_message_longer_than_its_frame_is_an_error()
    {
        var payload = new ReadOnlySequence<byte>([10, 1, 2, 3]);
        Assert.Equal(DecodeStatus.Error, RpcFrameCodec.TryReadDelimited(ref payload, RpcResponseHeaderProto.Parser, out _));
    }

    [Fact]
    public void A_varint_length_of_more_than_five_bytes_is_an_error()
    {
        var payload = new ReadOnlySequence<byte>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
        Assert.Equal(DecodeStatus.Error, RpcFrameCodec.TryReadDelimited(ref payload, RpcResponseHeaderProto.Parser, out _));
    }

    [Fact]
    public void The_connection_header_is_hrpc_version_9_service_class_0_without_sasl()
    {
        var bytes = new byte[RpcFrameCodec.ConnectionHeaderLength];
        RpcFrameCodec.WriteConnectionHeader(bytes);

        Assert.Equal("hrpc"u8.ToArray().Concat(new byte[] { 9, 0, 0 }), bytes);
        Assert.Equal(DecodeStatus.Done, RpcFrameCodec.TryReadConnectionHeader(new ReadOnlySequence<byte>(bytes), out var version, out var auth));
        Assert.Equal(9, version);
        Assert.Equal(0, auth);
        Assert.Equal(DecodeStatus.NeedMore, RpcFrameCodec.TryReadConnectionHeader(new ReadOnlySequence<byte>(bytes, 0, 5), out _, out _));
        Assert.Equal(DecodeStatus.Error, RpcFrameCodec.TryReadConnectionHeader(new ReadOnlySequence<byte>("GET /"u8.ToArray()), out _, out _));
    }

    [Fact]
    public void Random_bytes_need_more_or_are_an_error_and_never_throw()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var status = RpcFrameCodec.TryReadFrame(new ReadOnlySequence<byte>(bytes), out var payload, out _);
            return status switch
            {
                DecodeStatus.NeedMore or DecodeStatus.Error => true,
                _ => payload.Length <= bytes.Length - 4,
            };
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void A_random_payload_in_a_well_formed_frame_parses_or_is_an_error_and_never_throws()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var payload = new ReadOnlySequence<byte>(bytes);
            var status = RpcFrameCodec.TryReadDelimited(ref payload, RpcResponseHeaderProto.Parser, out var header);
            return status == DecodeStatus.Error || (status == DecodeStatus.Done && header is not null);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000));
    }
}
