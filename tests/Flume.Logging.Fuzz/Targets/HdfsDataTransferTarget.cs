using System.Buffers;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// What the HDFS client reads from a DataNode: the delimited answer to its block operation, then (bit 4 of the
/// control byte clear) the packets of a block being read, each checked against its checksums as the block reader
/// does, or (bit 4 set) the pipeline acks of a block being written.
/// </summary>
internal sealed class HdfsDataTransferTarget : IFuzzTarget
{
    public string Name => "hdfs-datatransfer";

    public void Run(byte[] input)
    {
        var control = FuzzInput.Control(input);
        var buffer = FuzzInput.Sequence(FuzzInput.Data(input), FuzzInput.SegmentLength(control));
        var opResponse = new MessageDecoder<BlockOpResponseProto>(BlockOpResponseProto.Parser, OpRequestCodec.MaxOpLength);
        if (opResponse.TryDecode(buffer, out var response, out var consumed, out _) != OperationStatus.Done)
        {
            return;
        }

        buffer = buffer.Slice(consumed);
        if ((control & 0x10) != 0)
        {
            var acks = new AckDecoder(new Status[3]);
            while (acks.TryDecode(buffer, out _, out consumed, out _) == OperationStatus.Done)
            {
                buffer = buffer.Slice(consumed);
            }

            return;
        }

        var checksum = response.ReadOpChecksumInfo?.Checksum;
        var packets = new PacketDecoder(64 * 1024);
        while (packets.TryDecode(buffer, out var packet, out consumed, out _) == OperationStatus.Done)
        {
            buffer = buffer.Slice(consumed);
            var header = packet.Header;
            if (checksum is not null && DataChecksum.IsSupported(checksum.Type) && checksum.BytesPerChecksum is > 0 and <= 64 * 1024
                && packet.Checksums.Length == DataChecksum.ChecksumLength(checksum.Type, (int)checksum.BytesPerChecksum, header.DataLength))
            {
                DataChecksum.FindMismatch(checksum.Type, (int)checksum.BytesPerChecksum, packet.Data.ToArray(), packet.Checksums.ToArray());
            }
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var checksum = new ChecksumProto { Type = ChecksumTypeProto.ChecksumCrc32C, BytesPerChecksum = 512 };
        var response = new BlockOpResponseProto { Status = Status.Success, ReadOpChecksumInfo = new ReadOpChecksumInfoProto { Checksum = checksum, ChunkOffset = 0 } };
        var output = new ArrayBufferWriter<byte>();
        DelimitedMessage.Write(output, response);
        var data = new byte[700];
        Array.Fill(data, (byte)'x');
        WritePacket(output, new PacketHeader(0, 0, false, data.Length, false), checksum, data);
        WritePacket(output, new PacketHeader(700, 1, true, 0, false), checksum, []);
        yield return FuzzInput.With(0, output.WrittenSpan);

        output.Clear();
        DelimitedMessage.Write(output, new BlockOpResponseProto { Status = Status.Success, FirstBadLink = "" });
        var ack = new byte[PipelineAckCodec.MaxEncodedLength(3)];
        var length = PipelineAckCodec.Write(ack, 0, [Status.Success, Status.Success, Status.Success]);
        output.Write(ack.AsSpan(0, length));
        length = PipelineAckCodec.Write(ack, 1, [Status.Success, Status.ErrorChecksum]);
        output.Write(ack.AsSpan(0, length));
        yield return FuzzInput.With(0x10, output.WrittenSpan);
    }

    private static void WritePacket(ArrayBufferWriter<byte> output, PacketHeader header, ChecksumProto checksum, byte[] data)
    {
        var checksums = new byte[DataChecksum.ChecksumLength(checksum.Type, (int)checksum.BytesPerChecksum, data.Length)];
        DataChecksum.Compute(checksum.Type, (int)checksum.BytesPerChecksum, data, checksums);
        var prefix = new byte[PacketCodec.MaxFramePrefixLength];
        var prefixLength = PacketCodec.WriteFramePrefix(prefix, header, checksums.Length);
        output.Write(prefix.AsSpan(0, prefixLength));
        output.Write(checksums);
        output.Write(data);
    }
}
