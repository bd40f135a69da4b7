using System.Buffers;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Testing;

namespace Flume.Logging.Protocol.Tests.Avro;

public class NettyFrameTests
{
    [Fact]
    public void Writes_serial_count_length_and_message_big_endian()
    {
        var output = new ArrayBufferWriter<byte>();
        NettyFrame.Write(output, 7, [0xAA, 0xBB]);
        Assert.Equal(new byte[] { 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0xAA, 0xBB }, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Decodes_frame_split_across_buffers_at_every_split_point()
    {
        // Three buffers as a Java peer might send them, followed by the start of the next frame.
        byte[] frame = [0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 0, 0, 0, 0, 0, 0, 0, 3, 3, 4, 5];
        var data = frame.Concat(new byte[] { 0, 0, 0, 9 }).ToArray();
        for (var split = 0; split <= data.Length; split++)
        {
            for (var second = split; second <= data.Length; second++)
            {
                var sequence = SegmentedSequence.Split(data, split, second);
                Assert.Equal(OperationStatus.Done, NettyFrame.TryRead(sequence, 16, 1024, out var serial, out var found, out var length, out _));
                Assert.Equal(256, serial);
                Assert.Equal(frame.Length, found.Length);
                var message = new byte[length];
                NettyFrame.CopyMessage(found, message);
                Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, message);
            }
        }
    }

    [Fact]
    public void Every_truncation_needs_more_data()
    {
        byte[] frame = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 9, 0, 0, 0, 1, 8];
        for (var length = 0; length < frame.Length; length++)
        {
            Assert.Equal(OperationStatus.NeedMoreData, NettyFrame.TryRead(new ReadOnlySequence<byte>(frame, 0, length), 16, 1024, out _, out _, out _, out _));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 17 }, "buffer count 17")]
    [InlineData(new byte[] { 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF }, "buffer count -1")]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE }, "negative length")]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 4, 1 }, "longer than the 1024 bytes")]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 2, 0 }, null)]
    public void Counts_and_lengths_over_the_caps_are_invalid_before_the_data_arrives(byte[] header, string? error)
    {
        var status = NettyFrame.TryRead(new ReadOnlySequence<byte>(header), 16, 1024, out _, out _, out _, out var reason);
        if (error is null)
        {
            Assert.Equal(OperationStatus.NeedMoreData, status);
        }
        else
        {
            Assert.Equal(OperationStatus.InvalidData, status);
            Assert.Contains(error, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Total_of_buffers_over_the_cap_is_invalid()
    {
        var output = new ArrayBufferWriter<byte>();
        NettyFrame.Write(output, 1, new byte[600]);
        var one = output.WrittenSpan.ToArray();
        byte[] two = [0, 0, 0, 1, 0, 0, 0, 2, .. one.AsSpan(8).ToArray(), 0, 0, 2, 0x58];
        Assert.Equal(OperationStatus.InvalidData, NettyFrame.TryRead(new ReadOnlySequence<byte>(two), 16, 1024, out _, out _, out _, out var reason));
        Assert.Contains("buffer 1", reason, StringComparison.Ordinal);
    }
}
