using System.Buffers;
using Flume.Logging.Protocol.Thrift;
using Flume.Logging.Testing;

namespace Flume.Logging.Protocol.Tests.Thrift;

public sealed class ThriftFramingTests
{
    [Fact]
    public void Writes_a_big_endian_length_prefix()
    {
        Assert.Equal(new byte[] { 0, 0, 1, 0x2c, 0 }, ThriftBytes.Framed(new byte[300]).Take(5).ToArray());
        Assert.Equal(new byte[] { 0, 0, 0, 2, 1, 2 }, ThriftBytes.Framed([1, 2]));
    }

    [Fact]
    public void Finds_a_frame_split_across_segments()
    {
        var framed = ThriftBytes.Framed([1, 2, 3, 4, 5]);
        byte[] data = [.. framed, 9, 9];

        var status = ThriftFraming.TryReadFrame(SegmentedSequence.Split(data, 2, 5, 7), 1024, out var frame, out _);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, frame.ToArray());
    }

    [Fact]
    public void Needs_more_data_until_the_whole_frame_arrived()
    {
        var framed = ThriftBytes.Framed([1, 2, 3]);

        for (var length = 0; length < framed.Length; length++)
        {
            var status = ThriftFraming.TryReadFrame(new ReadOnlySequence<byte>(framed, 0, length), 1024, out _, out _);
            Assert.Equal(OperationStatus.NeedMoreData, status);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0, 0, 0 }, "frame length is negative")]
    [InlineData(new byte[] { 0, 0, 0, 0 }, "frame is empty")]
    [InlineData(new byte[] { 0, 0, 4, 1 }, "frame length is over the maximum frame length")]
    public void Rejects_a_bad_length_from_the_prefix_alone(byte[] prefix, string reason)
    {
        var status = ThriftFraming.TryReadFrame(new ReadOnlySequence<byte>(prefix), 1024, out _, out var error);

        Assert.Equal(OperationStatus.InvalidData, status);
        Assert.Equal(reason, error.Reason);
    }
}
