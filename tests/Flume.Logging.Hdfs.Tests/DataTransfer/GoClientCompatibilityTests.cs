using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing.Hdfs;
using Google.Protobuf;
using static Flume.Logging.Hdfs.Protos.OpWriteBlockProto.Types;
using static Flume.Logging.Hdfs.Tests.DataTransfer.TestBlocks;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

/// <summary>
/// The wire behaviour of Debian's hdfs-cli (colinmarc/hdfs, internal/transfer) replayed against the test DataNode:
/// CRC32 checksums, pipelineSize counting only the targets, latestGenerationStamp 0 on create, sequence numbers from
/// 1, a flush that ends inside a chunk followed by a short packet back to the chunk boundary, heartbeats, every
/// delimited message read by first taking exactly 5 bytes, and a read that hangs up without a read status.
/// </summary>
public sealed class GoClientCompatibilityTests
{
    // The Go client reads 5 bytes before it knows a message's length and loses any bytes past the message among
    // them: every response and ack must be at least 5 bytes with its prefix.
    private static async Task<byte[]> ReadLikeGoAsync(NetworkStream stream)
    {
        var head = new byte[5];
        await stream.ReadExactlyAsync(head);
        var position = 0;
        ProtoWire.TryReadVarint(head, ref position, out var length);
        Assert.True(position + (int)length >= 5, $"a {position + (int)length}-byte message would make the Go client lose bytes");
        var message = new byte[(int)length];
        head.AsSpan(position).CopyTo(message);
        await stream.ReadExactlyAsync(message.AsMemory(5 - position));
        return message;
    }

    private static byte[] GoPacket(long seqno, long offset, bool last, ReadOnlySpan<byte> data)
    {
        var header = new PacketHeader(offset, seqno, last, data.Length, false);
        var checksumLength = DataChecksum.ChecksumLength(ChecksumTypeProto.ChecksumCrc32, 512, data.Length);
        var frame = new byte[PacketCodec.FramePrefixLength(header) + checksumLength + data.Length];
        var prefix = PacketCodec.WriteFramePrefix(frame, header, checksumLength);
        DataChecksum.Compute(ChecksumTypeProto.ChecksumCrc32, 512, data, frame.AsSpan(prefix, checksumLength));
        data.CopyTo(frame.AsSpan(prefix + checksumLength));
        return frame;
    }

    private static async Task<NetworkStream> ConnectAsync(TestDataNode node, DataTransferOp op, IMessage request)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, node.Port);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var output = new ArrayBufferWriter<byte>();
        OpRequestCodec.Write(output, op, request);
        await stream.WriteAsync(output.WrittenMemory);
        return stream;
    }

    private static ClientOperationHeaderProto Header(LocatedBlockProto located) => new()
    {
        BaseHeader = new BaseHeaderProto { Block = located.B, Token = located.BlockToken },
        ClientName = "go-hdfs-test",
    };

    [Fact]
    public async Task A_Go_client_style_write_through_two_DataNodes_and_read_are_accepted()
    {
        await using var first = new TestDataNode();
        await using var second = new TestDataNode();
        var located = Located(first, second);
        var data = RandomData(2048, 11);
        var write = new OpWriteBlockProto
        {
            Header = Header(located),
            Targets = { second.DatanodeInfo },
            Stage = BlockConstructionStage.PipelineSetupCreate,
            PipelineSize = 1,
            MinBytesRcvd = 0,
            MaxBytesRcvd = 0,
            LatestGenerationStamp = 0,
            RequestedChecksum = new ChecksumProto { Type = ChecksumTypeProto.ChecksumCrc32, BytesPerChecksum = 512 },
        };

        await using (var stream = await ConnectAsync(first, DataTransferOp.WriteBlock, write))
        {
            Assert.Equal(Status.Success, BlockOpResponseProto.Parser.ParseFrom(await ReadLikeGoAsync(stream)).Status);
            await stream.WriteAsync(GoPacket(1, 0, false, data.AsSpan(0, 700)));
            await stream.WriteAsync(GoPacket(2, 700, false, data.AsSpan(700, 324)));
            await stream.WriteAsync(GoPacket(-1, 0, false, []));
            await stream.WriteAsync(GoPacket(3, 1024, false, data.AsSpan(1024)));
            await stream.WriteAsync(GoPacket(4, 2048, true, []));
            foreach (var seqno in new long[] { 1, 2, -1, 3, 4 })
            {
                var ack = PipelineAckProto.Parser.ParseFrom(await ReadLikeGoAsync(stream));
                Assert.Equal(seqno, ack.Seqno);
                Assert.Equal([Status.Success, Status.Success], ack.Reply);
            }
        }

        var blockId = (long)located.B.BlockId;
        foreach (var node in new[] { first, second })
        {
            Assert.Equal(new TestReplica(blockId, (long)GenerationStamp, 2048, true), node.Find(blockId));
            Assert.Equal(data, node.ReplicaBytes(blockId));
        }

        var read = new OpReadBlockProto { Header = Header(located), Offset = 100, Len = 1948 };
        await using (var stream = await ConnectAsync(second, DataTransferOp.ReadBlock, read))
        {
            var response = BlockOpResponseProto.Parser.ParseFrom(await ReadLikeGoAsync(stream));
            Assert.Equal((Status.Success, 0UL, ChecksumTypeProto.ChecksumCrc32), (response.Status, response.ReadOpChecksumInfo.ChunkOffset, response.ReadOpChecksumInfo.Checksum.Type));
            var received = new MemoryStream();
            using var frames = new FrameReader(stream, PacketCodec.MaxPacketLength, TimeSpan.FromSeconds(10));
            while (true)
            {
                var (packet, length) = await frames.ReadAsync<PacketDecoder, Packet>(new(PacketCodec.MaxPacketLength), Timeout());
                Assert.Equal(-1, DataChecksum.FindMismatch(ChecksumTypeProto.ChecksumCrc32, 512, packet.Data.ToArray(), packet.Checksums.ToArray()));
                received.Write(packet.Data.ToArray());
                frames.Advance(length);
                if (packet.Header.LastPacketInBlock)
                {
                    break;
                }
            }

            Assert.Equal(data, received.ToArray());
        }

        Assert.Null(second.LastClientReadStatus);
    }
}
