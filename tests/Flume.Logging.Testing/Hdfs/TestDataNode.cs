using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// A DataNode's DataTransferProtocol server on 127.0.0.1 (port 0), replicas in memory: WRITE_BLOCK (create and
/// streaming recovery, forwarding down the pipeline its request names, one ack status per node), READ_BLOCK, checksum
/// checks on every chunk. Knobs make it fail the ways real ones do: die mid-block, answer an error ack, ack slowly.
/// Tolerant of what Hadoop's Java client and the Go client (hdfs-cli) send: CRC32 or CRC32C, sequence numbers from 0
/// or 1, a zero latestGenerationStamp on create, flushes that end inside a chunk, heartbeats, and readers that hang up
/// without a read status.
/// </summary>
internal sealed partial class TestDataNode : ITestReplicaView, IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly ConcurrentDictionary<long, TestDataNodeReplica> replicas = new();
    private readonly ConcurrentDictionary<Socket, bool> sockets = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int syncPackets;
    private int heartbeatPackets;
    private int dead;

    /// <summary>Starts listening on 127.0.0.1 at a free port.</summary>
    public TestDataNode(string? uuid = null)
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Info = new TestDataNodeInfo(uuid ?? Guid.NewGuid().ToString(), Port, this);
        DatanodeInfo = new DatanodeInfoProto
        {
            Id = new DatanodeIDProto
            {
                IpAddr = "127.0.0.1",
                HostName = "localhost",
                DatanodeUuid = Info.Uuid,
                XferPort = (uint)Port,
                InfoPort = 0,
                IpcPort = 0,
            },
        };
        accepting = AcceptAsync();
    }

    /// <summary>What the test NameNode needs of this node.</summary>
    public TestDataNodeInfo Info { get; }

    /// <summary>The transfer port.</summary>
    public int Port { get; }

    /// <summary>This node as block locations name it.</summary>
    public DatanodeInfoProto DatanodeInfo { get; }

    /// <summary>
    /// When set, the node dies (closes every socket, refuses new ones) on the first packet that would take a block
    /// past this many bytes, without storing it.
    /// </summary>
    public long? DieAfterBytes { get; set; }

    /// <summary>When set, the node answers <see cref="ErrorStatus"/> for the first packet ending past this many bytes.</summary>
    public long? ErrorAfterBytes { get; set; }

    /// <summary>The status <see cref="ErrorAfterBytes"/> answers; default ERROR.</summary>
    public Status ErrorStatus { get; set; } = Status.Error;

    /// <summary>How long the node waits before sending each ack (a slow disk or network); default none.</summary>
    public TimeSpan AckDelay { get; set; }

    /// <summary>When set, reads send data with one bit flipped after the checksums were computed.</summary>
    public bool CorruptReads { get; set; }

    /// <summary>How long the node waits for a packet, an ack or a read status; default 30 s.</summary>
    public TimeSpan SocketTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True once the node died.</summary>
    public bool IsDead => Volatile.Read(ref dead) == 1;

    /// <summary>Packets received with syncBlock set (hsync).</summary>
    public int SyncPackets => Volatile.Read(ref syncPackets);

    /// <summary>Heartbeat packets received (sequence number -1).</summary>
    public int HeartbeatPackets => Volatile.Read(ref heartbeatPackets);

    /// <summary>The status the last reader sent after the block's last packet, null when it sent none.</summary>
    public Status? LastClientReadStatus { get; private set; }

    /// <inheritdoc/>
    public TestReplica? Find(long blockId) => replicas.TryGetValue(blockId, out var replica) ? replica.Snapshot() : null;

    /// <summary>Every byte the node holds of <paramref name="blockId"/>, acked or not.</summary>
    public byte[] ReplicaBytes(long blockId)
    {
        var replica = replicas[blockId];
        return replica.Read(0, (int)replica.Length);
    }

    /// <summary>Dies now: closes every socket and stops listening.</summary>
    public void Die()
    {
        if (Interlocked.Exchange(ref dead, 1) == 1)
        {
            return;
        }

        stop.Cancel();
        listener.Stop();
        foreach (var socket in sockets.Keys)
        {
            socket.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Die();
        await accepting;
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(stop.Token);

                // Acks are small writes: without this, Nagle holds each back waiting for the peer's delayed ACK.
                socket.NoDelay = true;
                _ = Task.Run(() => ServeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Died or disposed.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Track(socket);
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        using var frames = new FrameReader(stream, PacketCodec.MaxPacketLength, SocketTimeout);
        try
        {
            var ((op, message), length) = await frames.ReadAsync<OpRequestDecoder, (DataTransferOp, Google.Protobuf.IMessage?)>(default, stop.Token);
            frames.Advance(length);
            if (op == DataTransferOp.WriteBlock)
            {
                await ReceiveBlockAsync((OpWriteBlockProto)message!, stream, frames);
            }
            else
            {
                await SendBlockAsync((OpReadBlockProto)message!, stream, frames);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidDataException
            or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away, sent garbage or this node died: a DataNode just drops the connection.
        }
        finally
        {
            sockets.TryRemove(socket, out _);
        }
    }

    // Registers a socket Die closes; after death it is closed at once, as a dead process holds none.
    private void Track(Socket socket)
    {
        sockets[socket] = true;
        if (IsDead)
        {
            socket.Dispose();
        }
    }

    private static async Task RespondAsync(Stream stream, BlockOpResponseProto response)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        DelimitedMessage.Write(output, response);
        await stream.WriteAsync(output.WrittenMemory);
    }
}
