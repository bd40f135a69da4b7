using System.Buffers;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class PipelineAckCodecTests
{
    private static (OperationStatus Status, long Seqno, Status[] Replies, long Consumed) Read(byte[] input)
    {
        var replies = new Status[8];
        var status = PipelineAckCodec.TryRead(new ReadOnlySequence<byte>(input), replies, out var seqno, out var count, out var consumed, out _);
        return (status, seqno, replies[..count], consumed);
    }

    private static byte[] Delimited(IMessage message)
    {
        var output = new ArrayBufferWriter<byte>();
        DelimitedMessage.Write(output, message);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Acks_round_trip_and_match_protobuf()
    {
        var gen =
            from seqno in Gen.Choose(-2, int.MaxValue).Select(s => s * 3L)
            from replies in Gen.ArrayOf(Gen.Elements(Status.Success, Status.Error, Status.ErrorChecksum, Status.OobRestart))
            where replies.Length <= 8
            select (seqno, replies);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var buffer = new byte[PipelineAckCodec.MaxEncodedLength(c.replies.Length)];
            var written = buffer[..PipelineAckCodec.Write(buffer, c.seqno, c.replies)];

            var ours = Read(written);
            var theirs = PipelineAckProto.Parser.ParseDelimitedFrom(new MemoryStream(written));

            return ours.Status == OperationStatus.Done && ours.Seqno == c.seqno && ours.Replies.SequenceEqual(c.replies)
                && ours.Consumed == written.Length
                && theirs.Seqno == c.seqno && theirs.Reply.SequenceEqual(c.replies) && theirs.Flag.Select(f => (Status)f).SequenceEqual(c.replies)
                && Read(written[..^1]).Status == OperationStatus.NeedMoreData;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void An_ack_without_flags_from_an_older_DataNode_reads_its_replies()
    {
        var ack = new PipelineAckProto { Seqno = 5, Reply = { Status.Success, Status.Error } };

        var read = Read(Delimited(ack));

        Assert.Equal((OperationStatus.Done, 5L), (read.Status, read.Seqno));
        Assert.Equal([Status.Success, Status.Error], read.Replies);
    }

    [Fact]
    public void Flags_win_over_replies_and_only_their_low_four_bits_are_the_status()
    {
        // ECN bits (5-6) and SLOW bits (7-8) set around SUCCESS and ERROR_CHECKSUM.
        var ack = new PipelineAckProto { Seqno = 9, Reply = { Status.Success, Status.Success }, Flag = { 0x60, 0x180 | 2 } };

        Assert.Equal([Status.Success, Status.ErrorChecksum], Read(Delimited(ack)).Replies);
    }

    [Fact]
    public void More_replies_than_room_is_a_protocol_error()
    {
        var ack = new PipelineAckProto { Seqno = 1, Reply = { Enumerable.Repeat(Status.Success, 9) } };

        Assert.Equal(OperationStatus.InvalidData, Read(Delimited(ack)).Status);
    }

    [Fact]
    public void An_ack_without_a_sequence_number_is_a_protocol_error()
    {
        Assert.Equal(OperationStatus.InvalidData, Read([2, 0x10, 0]).Status);
    }
}
