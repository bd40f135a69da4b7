using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using static Flume.Logging.Hdfs.Protos.OpWriteBlockProto.Types;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>WRITE_BLOCK: set the replica up, connect downstream, take packets, ack them upstream.</summary>
internal sealed partial class TestDataNode
{
    private async Task ReceiveBlockAsync(OpWriteBlockProto op, NetworkStream upstream, FrameReader frames)
    {
        var (replica, refusal) = SetUpReplica(op);
        Mirror? mirror = null;
        var firstBadLink = "";
        if (refusal is null && op.Targets.Count > 0)
        {
            (mirror, refusal, firstBadLink) = await ConnectMirrorAsync(op);
        }

        // firstBadLink is always sent, as Hadoop's DataNode does: the Go client reads at least 5 bytes for this
        // response, and a bare SUCCESS is only 3.
        await RespondAsync(upstream, new BlockOpResponseProto
        {
            Status = refusal is null ? Status.Success : Status.Error,
            FirstBadLink = firstBadLink,
            Message = refusal ?? "",
        });
        if (refusal is not null)
        {
            return;
        }

        using var _ = mirror;
        var pending = Channel.CreateUnbounded<PendingAck>();
        var writer = new ReplicaWriter(replica!, replica!.GenerationStamp);
        var responder = AckAsync(pending.Reader, upstream, mirror, writer);
        try
        {
            await ReceivePacketsAsync(op.RequestedChecksum, frames, mirror, writer, pending.Writer);
        }
        finally
        {
            pending.Writer.TryComplete();
            await responder;
        }
    }

    private (TestDataNodeReplica? Replica, string? Refusal) SetUpReplica(OpWriteBlockProto op)
    {
        var block = op.Header.BaseHeader.Block;
        var id = (long)block.BlockId;
        if (!DataChecksum.IsSupported(op.RequestedChecksum.Type) || op.RequestedChecksum.BytesPerChecksum == 0)
        {
            return (null, $"checksum {op.RequestedChecksum} is not supported");
        }

        switch (op.Stage)
        {
            case BlockConstructionStage.PipelineSetupCreate:
                // The Go client sends 0 as latestGenerationStamp on create; the block carries the real one.
                var created = new TestDataNodeReplica(id, (long)block.GenerationStamp, op.RequestedChecksum);
                return replicas.TryAdd(id, created) ? (created, null) : (null, $"replica of block {id} already exists");
            case BlockConstructionStage.PipelineSetupStreamingRecovery:
                if (!replicas.TryGetValue(id, out var replica))
                {
                    return (null, $"no replica of block {id} to recover");
                }

                var problem = replica.TryRecover((long)op.LatestGenerationStamp, (long)op.MinBytesRcvd);
                return problem is null ? (replica, null) : (null, problem);
            default:
                return (null, $"stage {op.Stage} is not supported by the test DataNode");
        }
    }

    private async Task<(Mirror? Mirror, string? Refusal, string FirstBadLink)> ConnectMirrorAsync(OpWriteBlockProto op)
    {
        var target = op.Targets[0];
        var address = DataNodeSocket.Address(target);
        Socket? socket = null;
        try
        {
            socket = await DataNodeSocket.ConnectAsync(target, useHostname: false, SocketTimeout, stop.Token);
            Track(socket);
            var mirror = new Mirror(socket, SocketTimeout);
            var forwarded = op.Clone();
            forwarded.Targets.RemoveAt(0);
            var output = new ArrayBufferWriter<byte>();
            OpRequestCodec.Write(output, DataTransferOp.WriteBlock, forwarded);
            await mirror.Stream.WriteAsync(output.WrittenMemory, stop.Token);
            var (response, length) = await mirror.Frames.ReadAsync<MessageDecoder<BlockOpResponseProto>, BlockOpResponseProto>(
                new(BlockOpResponseProto.Parser, OpRequestCodec.MaxOpLength), stop.Token);
            mirror.Frames.Advance(length);
            if (response.Status == Status.Success)
            {
                return (mirror, null, "");
            }

            mirror.Dispose();
            var bad = string.IsNullOrEmpty(response.FirstBadLink) ? address : response.FirstBadLink;
            return (null, $"downstream refused: {response.Message}", bad);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidDataException)
        {
            socket?.Dispose();
            return (null, $"cannot connect downstream to {address}: {e.Message}", address);
        }
    }

    private async Task ReceivePacketsAsync(
        ChecksumProto checksum,
        FrameReader frames,
        Mirror? mirror,
        ReplicaWriter replica,
        ChannelWriter<PendingAck> pending)
    {
        var bytesPerChecksum = (int)checksum.BytesPerChecksum;
        while (true)
        {
            var (packet, length) = await frames.ReadAsync<PacketDecoder, Packet>(new(PacketCodec.MaxPacketLength), stop.Token);
            var header = packet.Header;
            var isHeartbeat = header.Seqno == PacketCodec.HeartbeatSeqno;
            if (!isHeartbeat && header.DataLength > 0 && DieAfterBytes is { } limit && header.OffsetInBlock + header.DataLength > limit)
            {
                Die();
                return;
            }

            if (isHeartbeat)
            {
                Interlocked.Increment(ref heartbeatPackets);
            }

            var status = isHeartbeat ? Status.Success : Store(packet, checksum.Type, bytesPerChecksum, replica);
            if (status == Status.Success && mirror is not null && !mirror.Failed)
            {
                await mirror.ForwardAsync(frames.Frame(length), stop.Token);
            }

            var end = isHeartbeat ? -1 : header.OffsetInBlock + header.DataLength;
            pending.TryWrite(new PendingAck(header.Seqno, end, header.LastPacketInBlock, status));
            frames.Advance(length);
            if (status != Status.Success || header.LastPacketInBlock)
            {
                return;
            }
        }
    }

    private Status Store(Packet packet, ChecksumTypeProto type, int bytesPerChecksum, ReplicaWriter replica)
    {
        var header = packet.Header;
        var data = packet.Data.ToArray();
        var checksums = packet.Checksums.ToArray();
        if (checksums.Length != DataChecksum.ChecksumLength(type, bytesPerChecksum, data.Length)
            || DataChecksum.FindMismatch(type, bytesPerChecksum, data, checksums) >= 0)
        {
            return Status.ErrorChecksum;
        }

        if (header.SyncBlock)
        {
            Interlocked.Increment(ref syncPackets);
        }

        return replica.Replica.TryWrite(replica.GenerationStamp, header.OffsetInBlock, data) ? Status.Success : Status.ErrorInvalid;
    }

    // Sends one ack per packet, in order: this node's status, then the downstream node's replies (one per node below).
    // A downstream failure is reported as ERROR for the node just below, as Hadoop's DataNodes do, and ends the pipeline.
    private async Task AckAsync(ChannelReader<PendingAck> pending, NetworkStream upstream, Mirror? mirror, ReplicaWriter replica)
    {
        var replies = new Status[32];
        var buffer = new byte[PipelineAckCodec.MaxEncodedLength(replies.Length)];
        try
        {
            await foreach (var ack in pending.ReadAllAsync(stop.Token))
            {
                if (AckDelay > TimeSpan.Zero)
                {
                    await Task.Delay(AckDelay, stop.Token);
                }

                replies[0] = ack.Status == Status.Success && ErrorAfterBytes is { } limit && ack.End > limit ? ErrorStatus : ack.Status;
                var count = 1;
                if (replies[0] == Status.Success && mirror is not null)
                {
                    count += await mirror.ReadAckAsync(ack.Seqno, replies.AsMemory(1), stop.Token);
                }

                // Acked before the ack leaves, so a client that saw it finds the replica as long as it was told.
                var failed = Array.FindIndex(replies, 0, count, s => s != Status.Success) >= 0;
                if (!failed && ack.End >= 0)
                {
                    replica.Replica.Acknowledge(replica.GenerationStamp, ack.End, ack.LastPacketInBlock);
                }

                await upstream.WriteAsync(buffer.AsMemory(0, PipelineAckCodec.Write(buffer, ack.Seqno, replies.AsSpan(0, count))), stop.Token);
                if (failed)
                {
                    upstream.Close();
                    return;
                }

                if (ack.LastPacketInBlock)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Upstream went away or the node died; the packet loop sees it too.
        }
    }

    /// <summary>A connection's replica and the generation it writes: a pipeline recovered since stops storing and acking.</summary>
    private sealed record ReplicaWriter(TestDataNodeReplica Replica, long GenerationStamp);

    /// <summary>A packet waiting for its ack.</summary>
    private readonly record struct PendingAck(long Seqno, long End, bool LastPacketInBlock, Status Status);
}
