using System.Buffers;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class PacketCodecTests
{
    private static byte[] Frame(PacketHeader header, ChecksumTypeProto type, int bytesPerChecksum, byte[] data)
    {
        var checksumLength = DataChecksum.ChecksumLength(type, bytesPerChecksum, data.Length);
        var frame = new byte[PacketCodec.FramePrefixLength(header) + checksumLength + data.Length];
        var prefix = PacketCodec.WriteFramePrefix(frame, header, checksumLength);
        DataChecksum.Compute(type, bytesPerChecksum, data, frame.AsSpan(prefix, checksumLength));
        data.CopyTo(frame.AsSpan(prefix + checksumLength));
        return frame;
    }

    [Fact]
    public void Packets_round_trip_for_any_data_length_and_chunk_size_and_need_more_until_complete()
    {
        var gen =
            from bytesPerChecksum in Gen.Choose(1, 1024)
            from data in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
            from offset in Gen.Choose(0, int.MaxValue)
            from seqno in Gen.Choose(-1, int.MaxValue)
            from last in Gen.Elements(true, false)
            from sync in Gen.Elements(true, false)
            select (bytesPerChecksum, data, header: new PacketHeader(offset * 7L, seqno, last, data.Length, sync));
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var frame = Frame(c.header, ChecksumTypeProto.ChecksumCrc32C, c.bytesPerChecksum, c.data);
            var input = new ReadOnlySequence<byte>([.. frame, 9, 9, 9]);

            var status = PacketCodec.TryRead(input, PacketCodec.MaxPacketLength, out var packet, out _);
            var cut = PacketCodec.TryRead(input.Slice(0, frame.Length - 1), PacketCodec.MaxPacketLength, out _, out _);

            return status == OperationStatus.Done && cut == OperationStatus.NeedMoreData
                && packet.Header == c.header && packet.Length == frame.Length
                && packet.Data.ToArray().SequenceEqual(c.data)
                && DataChecksum.FindMismatch(ChecksumTypeProto.ChecksumCrc32C, c.bytesPerChecksum, c.data, packet.Checksums.ToArray()) == -1;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(5000));
    }

    [Fact]
    public void Our_header_is_what_protobuf_encodes_and_reads()
    {
        var header = new PacketHeader(123456789, 42, false, 512, true);
        var frame = new byte[PacketCodec.MaxFramePrefixLength];
        var length = PacketCodec.WriteFramePrefix(frame, header, 4);

        var parsed = PacketHeaderProto.Parser.ParseFrom(frame, PacketCodec.PrefixLength, length - PacketCodec.PrefixLength);
        var expected = new PacketHeaderProto { OffsetInBlock = 123456789, Seqno = 42, LastPacketInBlock = false, DataLen = 512, SyncBlock = true };

        Assert.Equal(expected, parsed);
        Assert.Equal(expected.ToByteArray(), frame[PacketCodec.PrefixLength..length]);
    }

    [Fact]
    public void A_header_with_fields_in_another_order_and_unknown_fields_decodes()
    {
        // Field 9 (unknown, varint) first, then dataLen before seqno: protobuf allows both.
        byte[] header = [0x48, 0x05, 0x25, 3, 0, 0, 0, 0x11, 7, 0, 0, 0, 0, 0, 0, 0, 0x09, 0, 2, 0, 0, 0, 0, 0, 0, 0x18, 1];
        byte[] frame = [0, 0, 0, 4 + 4 + 3, 0, (byte)header.Length, .. header, 1, 2, 3, 4, 0xA, 0xB, 0xC];

        Assert.Equal(OperationStatus.Done, PacketCodec.TryRead(new ReadOnlySequence<byte>(frame), PacketCodec.MaxPacketLength, out var packet, out _));
        Assert.Equal(new PacketHeader(512, 7, true, 3, false), packet.Header);
        Assert.Equal(new byte[] { 0xA, 0xB, 0xC }, packet.Data.ToArray());
    }

    [Fact]
    public void A_payload_over_the_limit_is_refused_before_it_arrives()
    {
        byte[] prefix = [0x7F, 0, 0, 0, 0, 25];

        Assert.Equal(OperationStatus.InvalidData, PacketCodec.TryRead(new ReadOnlySequence<byte>(prefix), 65536, out _, out var error));
        Assert.Contains("payload length", error);
    }

    [Fact]
    public void A_data_length_larger_than_the_payload_is_a_protocol_error()
    {
        var frame = Frame(new PacketHeader(0, 1, false, 10, false), ChecksumTypeProto.ChecksumNull, 512, new byte[10]);
        frame[3] = 4 + 5;

        Assert.Equal(OperationStatus.InvalidData, PacketCodec.TryRead(new ReadOnlySequence<byte>(frame[..^5]), 65536, out _, out var error));
        Assert.Contains("data length", error);
    }
}
