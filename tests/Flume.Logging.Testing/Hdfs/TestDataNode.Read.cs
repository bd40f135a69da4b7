using System.Net.Sockets;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>READ_BLOCK: packets of whole chunks from the chunk boundary before the range, the empty last packet, then the client's status.</summary>
internal sealed partial class TestDataNode
{
    // Hadoop's DataNode sends about 64 KiB of data per read packet.
    private const int ReadPacketData = 64 * 1024;

    private async Task SendBlockAsync(OpReadBlockProto op, NetworkStream stream, FrameReader frames)
    {
        var id = (long)op.Header.BaseHeader.Block.BlockId;
        var offset = (long)op.Offset;
        var end = offset + (long)op.Len;
        if (!replicas.TryGetValue(id, out var replica) || end > replica.Length)
        {
            await RespondAsync(stream, new BlockOpResponseProto
            {
                Status = Status.Error,
                Message = replica is null ? $"no replica of block {id}" : $"range {offset}-{end} is past the replica's {replica.Length} bytes",
            });
            return;
        }

        var checksum = replica.Checksum;
        var bytesPerChecksum = (int)checksum.BytesPerChecksum;
        var chunkOffset = offset - (offset % bytesPerChecksum);
        var sendEnd = Math.Min(replica.Length, end + bytesPerChecksum - 1 - ((end + bytesPerChecksum - 1) % bytesPerChecksum));
        await RespondAsync(stream, new BlockOpResponseProto
        {
            Status = Status.Success,
            ReadOpChecksumInfo = new ReadOpChecksumInfoProto { Checksum = checksum, ChunkOffset = (ulong)chunkOffset },
        });

        var checksumType = op.SendChecksums ? checksum.Type : ChecksumTypeProto.ChecksumNull;
        var packetData = ReadPacketData / bytesPerChecksum * bytesPerChecksum;
        long seqno = 0;
        for (var position = chunkOffset; position < sendEnd; position += packetData)
        {
            var data = replica.Read(position, (int)Math.Min(packetData, sendEnd - position));
            await SendPacketAsync(stream, new PacketHeader(position, seqno++, false, data.Length, false), checksumType, bytesPerChecksum, data);
        }

        await SendPacketAsync(stream, new PacketHeader(sendEnd, seqno, true, 0, false), checksumType, bytesPerChecksum, []);

        // Hadoop's client answers CHECKSUM_OK after the last packet; the Go client hangs up without a word.
        try
        {
            var (status, length) = await frames.ReadAsync<MessageDecoder<ClientReadStatusProto>, ClientReadStatusProto>(
                new(ClientReadStatusProto.Parser, 64), stop.Token);
            frames.Advance(length);
            LastClientReadStatus = status.Status;
        }
        catch (EndOfStreamException)
        {
            LastClientReadStatus = null;
        }
    }

    private async Task SendPacketAsync(NetworkStream stream, PacketHeader header, ChecksumTypeProto type, int bytesPerChecksum, byte[] data)
    {
        var checksumLength = DataChecksum.ChecksumLength(type, bytesPerChecksum, data.Length);
        var frame = new byte[PacketCodec.FramePrefixLength(header) + checksumLength + data.Length];
        var prefix = PacketCodec.WriteFramePrefix(frame, header, checksumLength);
        DataChecksum.Compute(type, bytesPerChecksum, data, frame.AsSpan(prefix, checksumLength));
        data.CopyTo(frame.AsSpan(prefix + checksumLength));
        if (CorruptReads && data.Length > 0)
        {
            frame[prefix + checksumLength] ^= 1;
        }

        await stream.WriteAsync(frame, stop.Token);
    }
}
