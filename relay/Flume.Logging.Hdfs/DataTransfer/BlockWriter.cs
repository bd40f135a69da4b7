using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Flume.Logging.Hdfs.Protos;
using static Flume.Logging.Hdfs.Protos.OpWriteBlockProto.Types;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// Writes one block through a pipeline of DataNodes (WRITE_BLOCK): packets of whole checksum chunks, a background
/// reader matching acks to the packets in flight, a bounded window of unacked packets, hflush and hsync, heartbeats
/// when idle, and the empty last packet. When a DataNode fails the writer stops, names it in a
/// <see cref="DataNodeException"/> and keeps every unacked packet; after the caller has got a new generation stamp
/// from the NameNode, <see cref="RecoverAsync"/> sets the pipeline up again on the remaining nodes and resends them.
/// One caller at a time: Write, HFlush, HSync, Finish and Recover must not overlap.
/// </summary>
internal sealed class BlockWriter : IAsyncDisposable
{
    // Errors on the connection to the first DataNode; anything else is a bug, not a pipeline failure.
    private static readonly Type[] ConnectionErrors =
        [typeof(IOException), typeof(SocketException), typeof(TimeoutException), typeof(InvalidDataException), typeof(ObjectDisposedException)];

    private readonly BlockWriterOptions options;
    private readonly TokenProto token;
    private readonly int packetDataCapacity;
    private readonly int maxChecksumLength;
    private readonly byte[] heartbeatFrame;
    private readonly Lock gate = new();
    private readonly Queue<OutboundPacket> unacked = new();
    private readonly Stack<OutboundPacket> freePackets = new();
    private readonly AckSignal signal = new();
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly SocketDeadline sendDeadline;
    private readonly ExtendedBlockProto block;
    private List<DatanodeInfoProto> pipeline;
    private Socket? socket;
    private NetworkStream? stream;
    private Task ackReader = Task.CompletedTask;
    private Task heartbeats = Task.CompletedTask;
    private CancellationTokenSource? connectionStop;
    private OutboundPacket? current;
    private long nextSeqno;
    private long sentLength;
    private long ackedLength;
    private long lastSendTimestamp;
    private int waitingForAtMost;
    private DataNodeException? failure;
    private bool lastPacketSent;
    private bool finished;

    private BlockWriter(LocatedBlockProto located, BlockWriterOptions options)
    {
        this.options = options;
        block = located.B.Clone();
        block.NumBytes = 0;
        token = located.BlockToken;
        pipeline = [.. located.Locs];
        var checksumSize = DataChecksum.SizeOf(options.ChecksumType);
        var chunks = Math.Max(1, (options.WritePacketSize - PacketCodec.MaxFramePrefixLength) / (options.BytesPerChecksum + checksumSize));
        packetDataCapacity = chunks * options.BytesPerChecksum;
        maxChecksumLength = chunks * checksumSize;
        sendDeadline = new SocketDeadline(options.SocketTimeout);
        heartbeatFrame = new byte[PacketCodec.MaxFramePrefixLength];
        var heartbeat = new PacketHeader(0, PacketCodec.HeartbeatSeqno, false, 0, false);
        heartbeatFrame = heartbeatFrame[..PacketCodec.WriteFramePrefix(heartbeatFrame, heartbeat, 0)];
    }

    /// <summary>The block as written so far: the generation stamp changes on recovery, the length as packets are acked.</summary>
    public ExtendedBlockProto Block
    {
        get
        {
            var copy = block.Clone();
            copy.NumBytes = (ulong)AckedLength;
            return copy;
        }
    }

    /// <summary>The DataNodes of the current pipeline, the one the client talks to first.</summary>
    public IReadOnlyList<DatanodeInfoProto> Pipeline => pipeline;

    /// <summary>Bytes of the block every DataNode of the pipeline has acknowledged.</summary>
    public long AckedLength
    {
        get
        {
            lock (gate)
            {
                return ackedLength;
            }
        }
    }

    /// <summary>Bytes given to <see cref="WriteAsync"/> so far (sent or still buffered).</summary>
    public long Length => current?.End ?? sentLength;

    /// <summary>Packets sent and not yet acknowledged (kept for a resend).</summary>
    public int UnackedPackets
    {
        get
        {
            lock (gate)
            {
                return unacked.Count;
            }
        }
    }

    /// <summary>Why the pipeline failed, until a successful <see cref="RecoverAsync"/>; null while it works.</summary>
    public DataNodeException? Failure
    {
        get
        {
            lock (gate)
            {
                return failure;
            }
        }
    }

    /// <summary>
    /// Sets up a pipeline for a new block (PIPELINE_SETUP_CREATE) on <paramref name="located"/>'s DataNodes, in order.
    /// Throws <see cref="DataNodeException"/> when a node refuses or cannot be reached.
    /// </summary>
    public static async Task<BlockWriter> OpenAsync(LocatedBlockProto located, BlockWriterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(located);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (located.Locs.Count == 0)
        {
            throw new ArgumentException("the block has no DataNodes to write to", nameof(located));
        }

        var writer = new BlockWriter(located, options);
        try
        {
            await writer.ConnectAsync(BlockConstructionStage.PipelineSetupCreate, writer.block.GenerationStamp, cancellationToken);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Buffers <paramref name="data"/>, sending each packet as it fills; waits while <see cref="BlockWriterOptions.MaxUnackedPackets"/>
    /// are in flight. The caller keeps the block under its size. When cancelled, part of the data may have been taken:
    /// <see cref="Length"/> says how much of the block is written.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        while (!data.IsEmpty)
        {
            current ??= TakePacket(sentLength);
            data = data[current.Append(data.Span)..];
            if (current.DataLength == current.DataCapacity)
            {
                await SendCurrentAsync(syncBlock: false, cancellationToken);
            }
        }
    }

    /// <summary>Sends what is buffered and waits until every packet so far is acknowledged by every DataNode.</summary>
    public ValueTask HFlushAsync(CancellationToken cancellationToken) => FlushAsync(syncBlock: false, cancellationToken);

    /// <summary>
    /// As <see cref="HFlushAsync"/>, with syncBlock set so the DataNodes sync the replica to disk before acking
    /// (an empty sync packet when nothing new is buffered, as Hadoop's client sends).
    /// </summary>
    public ValueTask HSyncAsync(CancellationToken cancellationToken) => FlushAsync(syncBlock: true, cancellationToken);

    /// <summary>
    /// Sends what is buffered and the block's empty last packet, waits for every ack, closes the pipeline and returns
    /// the block's final length (for the NameNode's <c>complete</c> or next <c>addBlock</c>). After a failure and a
    /// recovery, call it again.
    /// </summary>
    public async Task<long> FinishAsync(CancellationToken cancellationToken)
    {
        if (!lastPacketSent)
        {
            ThrowIfUnusable();
            if (current is { } packet && packet.End > sentLength)
            {
                await SendCurrentAsync(syncBlock: false, cancellationToken);
            }

            ReturnCurrent();
            await WaitForUnackedAsync(options.MaxUnackedPackets - 1, cancellationToken);
            await SendAsync(TakePacket(sentLength), lastPacketInBlock: true, syncBlock: false, cancellationToken);
            lastPacketSent = true;
        }

        await WaitForUnackedAsync(0, cancellationToken);
        finished = true;
        await CloseConnectionAsync();
        return AckedLength;
    }

    /// <summary>
    /// After a failure: sets the pipeline up again on <paramref name="nodes"/> (normally the old pipeline without the
    /// failed node, perhaps with a replacement) with PIPELINE_SETUP_STREAMING_RECOVERY and
    /// <paramref name="newGenerationStamp"/> (from the NameNode's <c>updateBlockForPipeline</c>), then resends every
    /// unacked packet. The caller then reports the new pipeline with <c>updatePipeline</c> and carries on writing.
    /// Throws <see cref="DataNodeException"/> when the new pipeline fails too; recover again with other nodes.
    /// </summary>
    public async Task RecoverAsync(IReadOnlyList<DatanodeInfoProto> nodes, long newGenerationStamp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (Failure is null || finished)
        {
            throw new InvalidOperationException("only a failed pipeline is recovered");
        }

        if (nodes.Count == 0)
        {
            throw new ArgumentException("a pipeline needs a DataNode", nameof(nodes));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual((ulong)newGenerationStamp, block.GenerationStamp);
        await CloseConnectionAsync();
        pipeline = [.. nodes];
        OutboundPacket[] resend;
        lock (gate)
        {
            failure = null;
            resend = [.. unacked];
        }

        await ConnectAsync(BlockConstructionStage.PipelineSetupStreamingRecovery, (ulong)newGenerationStamp, cancellationToken);
        block.GenerationStamp = (ulong)newGenerationStamp;

        foreach (var packet in resend)
        {
            await WriteFrameAsync(packet.Frame, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        finished = true;
        await CloseConnectionAsync();
        ReturnCurrent();
        lock (gate)
        {
            foreach (var packet in unacked.Concat(freePackets))
            {
                packet.Dispose();
            }

            unacked.Clear();
            freePackets.Clear();
        }

        sendDeadline.Dispose();
        sendLock.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(bool syncBlock, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (current is { } packet && packet.End > sentLength)
        {
            await SendCurrentAsync(syncBlock, cancellationToken);
        }
        else if (syncBlock)
        {
            await WaitForUnackedAsync(options.MaxUnackedPackets - 1, cancellationToken);
            await SendAsync(TakePacket(sentLength), lastPacketInBlock: false, syncBlock: true, cancellationToken);
        }

        await WaitForUnackedAsync(0, cancellationToken);
    }

    // Sends the current packet. A packet ending inside a chunk (a flush) is followed by one that starts again at that
    // chunk's boundary with the chunk's bytes, as Hadoop's client does, so every packet holds whole chunks from a
    // chunk boundary and the DataNodes overwrite the partial chunk with its longer self.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendCurrentAsync(bool syncBlock, CancellationToken cancellationToken)
    {
        await WaitForUnackedAsync(options.MaxUnackedPackets - 1, cancellationToken);
        var packet = current!;
        var partial = (int)(packet.End % options.BytesPerChecksum);
        OutboundPacket? carry = null;
        if (partial != 0)
        {
            carry = TakePacket(packet.End - partial);
            carry.Append(packet.Data[^partial..]);
        }

        current = carry;
        await SendAsync(packet, lastPacketInBlock: false, syncBlock, cancellationToken);
    }

    // Seals, queues and sends a packet; the caller has waited for room in the window.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(OutboundPacket packet, bool lastPacketInBlock, bool syncBlock, CancellationToken cancellationToken)
    {
        packet.Seal(nextSeqno++, lastPacketInBlock, syncBlock, options.ChecksumType, options.BytesPerChecksum);
        lock (gate)
        {
            unacked.Enqueue(packet);
        }

        sentLength = packet.End;
        await WriteFrameAsync(packet.Frame, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            ThrowIfFailed();
            await stream!.WriteAsync(frame, sendDeadline.Start(cancellationToken));
            lastSendTimestamp = Stopwatch.GetTimestamp();
        }
        catch (Exception e) when (e is not DataNodeException && (e is OperationCanceledException || IsConnectionError(e)))
        {
            // A frame cut short leaves the stream unusable: the pipeline has failed either way. When the connection
            // broke, the first DataNode may have said which node it was in its last acks (it closes after a
            // downstream failure): give the ack reader time to read them before blaming the first node (it ends
            // within the socket timeout). A cancellation or a timeout is this side's, and answered at once.
            var error = e is OperationCanceledException canceled ? sendDeadline.Translate(canceled, "sending a packet", cancellationToken) : e;
            if (error is not (OperationCanceledException or TimeoutException))
            {
                await Task.WhenAny(ackReader, Task.Delay(options.SocketTimeout, CancellationToken.None));
            }

            Fail(new DataNodeException(0, pipeline[0], $"failed while receiving a packet: {error.Message}", innerException: error));
            if (error is OperationCanceledException)
            {
                throw error;
            }

            ThrowIfFailed();
        }
        finally
        {
            sendDeadline.Stop();
            sendLock.Release();
        }
    }

    // Waits until at most atMost packets are unacked: room in the window, or (0) everything acked.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitForUnackedAsync(int atMost, CancellationToken cancellationToken)
    {
        while (true)
        {
            ValueTask wait;
            lock (gate)
            {
                ThrowIfFailed();
                if (unacked.Count <= atMost)
                {
                    return;
                }

                waitingForAtMost = atMost;
                wait = signal.Arm();
            }

            using (cancellationToken.UnsafeRegister(static (state, token) => ((AckSignal)state!).Cancel(token), signal))
            {
                await wait;
            }
        }
    }

    private async Task ConnectAsync(BlockConstructionStage stage, ulong latestGenerationStamp, CancellationToken cancellationToken)
    {
        var request = new OpWriteBlockProto
        {
            Header = new ClientOperationHeaderProto
            {
                BaseHeader = new BaseHeaderProto { Block = Block, Token = token },
                ClientName = options.ClientName,
            },
            Targets = { pipeline.Skip(1) },
            Stage = stage,
            PipelineSize = (uint)pipeline.Count,
            MinBytesRcvd = (ulong)AckedLength,
            MaxBytesRcvd = (ulong)sentLength,
            LatestGenerationStamp = latestGenerationStamp,
            RequestedChecksum = new ChecksumProto { Type = options.ChecksumType, BytesPerChecksum = (uint)options.BytesPerChecksum },
        };
        var replies = new Status[pipeline.Count];
        FrameReader? frames = null;
        try
        {
            socket = await DataNodeSocket.ConnectAsync(pipeline[0], options.UseDataNodeHostname, options.SocketTimeout, cancellationToken);
            stream = new NetworkStream(socket, ownsSocket: true);
            var output = new ArrayBufferWriter<byte>();
            OpRequestCodec.Write(output, DataTransferOp.WriteBlock, request);
            await WriteFrameAsync(output.WrittenMemory, cancellationToken);
            frames = new FrameReader(stream, OpRequestCodec.MaxOpLength, options.SocketTimeout);
            var (response, length) = await frames.ReadAsync<MessageDecoder<BlockOpResponseProto>, BlockOpResponseProto>(
                new(BlockOpResponseProto.Parser, OpRequestCodec.MaxOpLength), cancellationToken);
            frames.Advance(length);
            if (response.Status != Status.Success)
            {
                var bad = Math.Max(0, pipeline.FindIndex(node => DataNodeSocket.Address(node) == response.FirstBadLink));
                throw new DataNodeException(bad, pipeline[bad], $"refused the {stage} pipeline: {response.Status} {response.Message}", response.Status);
            }
        }
        catch (Exception e) when (e is not DataNodeException && IsConnectionError(e))
        {
            frames?.Dispose();
            throw Fail(new DataNodeException(0, pipeline[0], $"failed setting up the {stage} pipeline: {e.Message}", innerException: e));
        }
        catch (DataNodeException e)
        {
            frames?.Dispose();
            throw Fail(e);
        }

        connectionStop = new CancellationTokenSource();
        ackReader = ReadAcksAsync(frames, replies, connectionStop.Token);
        heartbeats = SendHeartbeatsAsync(connectionStop.Token);
    }

    private async Task ReadAcksAsync(FrameReader frames, Status[] replies, CancellationToken stop)
    {
        using var _ = frames;
        try
        {
            while (true)
            {
                var ((seqno, count), length) = await frames.ReadAsync<AckDecoder, (long, int)>(new AckDecoder(replies), stop);
                frames.Advance(length);
                var bad = Array.FindIndex(replies, 0, count, status => status != Status.Success);
                if (bad >= 0)
                {
                    Fail(new DataNodeException(bad, pipeline[Math.Min(bad, pipeline.Count - 1)], $"answered {replies[bad]} for packet {seqno}", replies[bad]));
                    return;
                }

                if (seqno != PacketCodec.HeartbeatSeqno && Acknowledge(seqno))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || IsConnectionError(e))
        {
            if (!stop.IsCancellationRequested)
            {
                Fail(new DataNodeException(0, pipeline[0], $"failed while the client waited for acks: {e.Message}", innerException: e));
            }
        }
    }

    // Retires the oldest unacked packet; true after the last packet of the block.
    private bool Acknowledge(long seqno)
    {
        lock (gate)
        {
            if (!unacked.TryPeek(out var packet) || packet.Seqno != seqno)
            {
                var expected = unacked.Count == 0 ? "none" : packet!.Seqno.ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new InvalidDataException($"acked packet {seqno} but the oldest unacked packet is {expected}");
            }

            unacked.Dequeue();
            ackedLength = packet.End;
            freePackets.Push(packet);
            if (unacked.Count <= waitingForAtMost)
            {
                signal.Set();
            }

            return packet.LastPacketInBlock;
        }
    }

    private async Task SendHeartbeatsAsync(CancellationToken stop)
    {
        // Sending when half an interval went by keeps the gap between sends under 1.5 intervals, well inside the
        // socket timeout the DataNodes and our ack reader apply.
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (Stopwatch.GetElapsedTime(lastSendTimestamp) >= options.HeartbeatInterval / 2)
                {
                    // Not cancelled with the connection: a heartbeat cut short would fail a pipeline that is only
                    // being closed. The socket timeout bounds it.
                    await WriteFrameAsync(heartbeatFrame, CancellationToken.None);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or DataNodeException)
        {
            // Stopped with the connection, or the pipeline failed: the caller hears of it from its next call.
        }
    }

    // Records the first failure, wakes the caller and drops the connection so every DataNode sees the pipeline end.
    private DataNodeException Fail(DataNodeException error)
    {
        lock (gate)
        {
            failure ??= error;
            signal.Set();
        }

        stream?.Dispose();
        return failure;
    }

    private async Task CloseConnectionAsync()
    {
        if (connectionStop is not null)
        {
            await connectionStop.CancelAsync();
        }

        await heartbeats;
        stream?.Dispose();
        await ackReader;
        connectionStop?.Dispose();
        connectionStop = null;
        stream = null;
        socket = null;
    }

    private OutboundPacket TakePacket(long offsetInBlock)
    {
        OutboundPacket? packet;
        lock (gate)
        {
            freePackets.TryPop(out packet);
        }

        packet ??= new OutboundPacket(packetDataCapacity, maxChecksumLength);
        packet.Reset(offsetInBlock);
        return packet;
    }

    private void ReturnCurrent()
    {
        if (current is not null)
        {
            lock (gate)
            {
                freePackets.Push(current);
            }

            current = null;
        }
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref failure) is { } error)
        {
            throw error;
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        if (lastPacketSent)
        {
            throw new InvalidOperationException("the block's last packet was sent");
        }

        ThrowIfFailed();
    }

    private static bool IsConnectionError(Exception e) => Array.Exists(ConnectionErrors, type => type.IsInstanceOfType(e));
}
