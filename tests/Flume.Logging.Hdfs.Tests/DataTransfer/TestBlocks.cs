using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing.Hdfs;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

/// <summary>Blocks located on test DataNodes, writer and reader settings, and data, for the pipeline tests.</summary>
internal static class TestBlocks
{
    public const ulong GenerationStamp = 1001;

    private static long nextBlockId = 1_073_741_824;

    public static LocatedBlockProto Located(params TestDataNode[] nodes) => new()
    {
        B = new ExtendedBlockProto
        {
            PoolId = "BP-test",
            BlockId = (ulong)Interlocked.Increment(ref nextBlockId),
            GenerationStamp = GenerationStamp,
        },
        Offset = 0,
        Corrupt = false,
        BlockToken = new TokenProto { Identifier = ByteString.Empty, Password = ByteString.Empty, Kind = "", Service = "" },
        Locs = { nodes.Select(node => node.DatanodeInfo) },
    };

    /// <summary>What the NameNode would hand a reader once the writer finished: the block's length and GS.</summary>
    public static LocatedBlockProto Written(BlockWriter writer, params TestDataNode[] nodes)
    {
        var written = Located(nodes);
        written.B = writer.Block;
        return written;
    }

    public static BlockWriterOptions WriterOptions(
        int maxUnackedPackets = 80,
        int writePacketSize = 64 * 1024,
        TimeSpan? socketTimeout = null,
        TimeSpan? heartbeatInterval = null) => new()
    {
        ClientName = "DFSClient_flume_test",
        MaxUnackedPackets = maxUnackedPackets,
        WritePacketSize = writePacketSize,
        SocketTimeout = socketTimeout ?? TimeSpan.FromSeconds(10),
        HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromSeconds(5),
    };

    public static BlockReaderOptions ReaderOptions() => new() { ClientName = "DFSClient_flume_test", SocketTimeout = TimeSpan.FromSeconds(10) };

    public static byte[] RandomData(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static async Task<byte[]> ReadAllAsync(LocatedBlockProto located, int nodeIndex, long offset, int length)
    {
        var buffer = new byte[length];
        await BlockReader.ReadAsync(located, nodeIndex, offset, buffer, ReaderOptions(), CancellationToken.None);
        return buffer;
    }

    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;
}
