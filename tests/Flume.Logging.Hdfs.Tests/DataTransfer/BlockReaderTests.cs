using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing.Hdfs;
using static Flume.Logging.Hdfs.Tests.DataTransfer.TestBlocks;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class BlockReaderTests
{
    private static async Task<LocatedBlockProto> WriteAsync(TestDataNode node, byte[] data, BlockWriterOptions options)
    {
        var located = Located(node);
        await using var writer = await BlockWriter.OpenAsync(located, options, Timeout());
        await writer.WriteAsync(data, Timeout());
        await writer.FinishAsync(Timeout());
        return Written(writer, node);
    }

    [Fact]
    public async Task A_corrupted_packet_is_a_checksum_error_naming_the_DataNode()
    {
        await using var node = new TestDataNode();
        var located = await WriteAsync(node, RandomData(5000, 1), WriterOptions());
        node.CorruptReads = true;

        var failure = await Assert.ThrowsAsync<DataNodeException>(() => ReadAllAsync(located, 0, 0, 5000));

        Assert.Equal(Status.ErrorChecksum, failure.Status);
        Assert.Contains($"DataNode 0 (127.0.0.1:{node.Port})", failure.Message);
    }

    [Fact]
    public async Task A_block_the_DataNode_lacks_is_refused_naming_it()
    {
        await using var node = new TestDataNode();

        var failure = await Assert.ThrowsAsync<DataNodeException>(() => ReadAllAsync(Located(node), 0, 0, 10));

        Assert.Equal(Status.Error, failure.Status);
        Assert.Contains("no replica", failure.Message);
    }

    [Theory]
    [InlineData((int)ChecksumTypeProto.ChecksumCrc32, 512)]
    [InlineData((int)ChecksumTypeProto.ChecksumCrc32C, 100)]
    [InlineData((int)ChecksumTypeProto.ChecksumNull, 512)]
    public async Task Any_range_reads_back_with_each_checksum_type(int checksumType, int bytesPerChecksum)
    {
        var type = (ChecksumTypeProto)checksumType;
        await using var node = new TestDataNode();
        var data = RandomData(150_000, 2);
        var options = new BlockWriterOptions { ClientName = "c", ChecksumType = type, BytesPerChecksum = bytesPerChecksum };
        var located = await WriteAsync(node, data, options);

        foreach (var (offset, length) in new[] { (0, 150_000), (1, 1), (511, 2), (70_000, 79_999), (149_999, 1), (150_000, 0) })
        {
            Assert.Equal(data.AsSpan(offset, length).ToArray(), await ReadAllAsync(located, 0, offset, length));
        }
    }
}
