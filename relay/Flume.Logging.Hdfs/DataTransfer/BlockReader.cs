using System.Buffers;
using System.Net.Sockets;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// Reads a range of one block from one DataNode (READ_BLOCK): verifies every chunk's checksum, hands out the bytes of
/// the range (the DataNode starts at a chunk boundary and may send past the end), reads up to the empty last packet
/// and then tells the DataNode CHECKSUM_OK. Any failure is a <see cref="DataNodeException"/> naming the node; the
/// caller may retry on another location of the block.
/// </summary>
internal sealed class BlockReader : IAsyncDisposable
{
    private readonly int nodeIndex;
    private readonly DatanodeInfoProto node;
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly FrameReader frames;
    private readonly long end;
    private readonly ulong blockId;
    private ChecksumProto checksum = new();
    private long position;
    private long nextPacketOffset;
    private Packet packet;
    private int packetRead;
    private bool done;

    private BlockReader(int nodeIndex, DatanodeInfoProto node, Socket socket, ulong blockId, long offset, long length, BlockReaderOptions options)
    {
        this.blockId = blockId;
        this.nodeIndex = nodeIndex;
        this.node = node;
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
        frames = new FrameReader(stream, PacketCodec.MaxPacketLength, options.SocketTimeout);
        position = offset;
        end = offset + length;
    }

    /// <summary>
    /// Asks location <paramref name="nodeIndex"/> of <paramref name="located"/> for <paramref name="length"/> bytes of
    /// the block from <paramref name="offset"/>.
    /// </summary>
    public static async Task<BlockReader> OpenAsync(
        LocatedBlockProto located,
        int nodeIndex,
        long offset,
        long length,
        BlockReaderOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(located);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var node = located.Locs[nodeIndex];
        Socket socket;
        try
        {
            socket = await DataNodeSocket.ConnectAsync(node, options.UseDataNodeHostname, options.SocketTimeout, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            throw new DataNodeException(nodeIndex, node, $"cannot be reached: {e.Message}", innerException: e);
        }

        var reader = new BlockReader(nodeIndex, node, socket, located.B.BlockId, offset, length, options);
        try
        {
            await reader.RequestAsync(located, options.ClientName, cancellationToken);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes of the block from <paramref name="offset"/> into it.</summary>
    public static async Task ReadAsync(
        LocatedBlockProto located,
        int nodeIndex,
        long offset,
        Memory<byte> destination,
        BlockReaderOptions options,
        CancellationToken cancellationToken)
    {
        await using var reader = await OpenAsync(located, nodeIndex, offset, destination.Length, options, cancellationToken);
        while (await reader.ReadAsync(destination, cancellationToken) is var n && n > 0)
        {
            destination = destination[n..];
        }
    }

    /// <summary>Copies the range's next bytes into <paramref name="destination"/>; 0 at its end (CHECKSUM_OK sent).</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            while (!done && (packetRead == packet.Data.Length || position == end))
            {
                await NextPacketAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidDataException && e is not DataNodeException)
        {
            throw Failed($"failed while sending the block: {e.Message}", null, e);
        }

        if (done)
        {
            return 0;
        }

        var n = (int)Math.Min(Math.Min(destination.Length, packet.Data.Length - packetRead), end - position);
        packet.Data.Slice(packetRead, n).CopyTo(destination.Span);
        packetRead += n;
        position += n;
        return n;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        frames.Dispose();
        await stream.DisposeAsync();
        socket.Dispose();
    }

    private async Task RequestAsync(LocatedBlockProto located, string clientName, CancellationToken cancellationToken)
    {
        var request = new OpReadBlockProto
        {
            Header = new ClientOperationHeaderProto
            {
                BaseHeader = new BaseHeaderProto { Block = located.B, Token = located.BlockToken },
                ClientName = clientName,
            },
            Offset = (ulong)position,
            Len = (ulong)(end - position),
            SendChecksums = true,
        };
        try
        {
            var output = new ArrayBufferWriter<byte>();
            OpRequestCodec.Write(output, DataTransferOp.ReadBlock, request);
            await stream.WriteAsync(output.WrittenMemory, cancellationToken);
            var (response, length) = await frames.ReadAsync<MessageDecoder<BlockOpResponseProto>, BlockOpResponseProto>(
                new(BlockOpResponseProto.Parser, OpRequestCodec.MaxOpLength), cancellationToken);
            frames.Advance(length);
            if (response.Status != Status.Success)
            {
                throw Failed($"refused to read: {response.Status} {response.Message}", response.Status, null);
            }

            var info = response.ReadOpChecksumInfo;
            if (info is null || !DataChecksum.IsSupported(info.Checksum.Type) || info.Checksum.BytesPerChecksum == 0
                || info.ChunkOffset > (ulong)position || (ulong)position - info.ChunkOffset >= info.Checksum.BytesPerChecksum)
            {
                throw Failed($"answered an unusable checksum description: {info}", null, null);
            }

            checksum = info.Checksum;
            nextPacketOffset = (long)info.ChunkOffset;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidDataException && e is not DataNodeException)
        {
            throw Failed($"failed while answering the read request: {e.Message}", null, e);
        }
    }

    private async Task NextPacketAsync(CancellationToken cancellationToken)
    {
        frames.Advance(packet.Length);
        (packet, _) = await frames.ReadAsync<PacketDecoder, Packet>(new(PacketCodec.MaxPacketLength), cancellationToken);
        var header = packet.Header;
        packetRead = 0;
        if (header.LastPacketInBlock)
        {
            if (position != end)
            {
                throw Failed($"ended the block at {nextPacketOffset}, before the {end} asked for", null, null);
            }

            done = true;
            var output = new ArrayBufferWriter<byte>();
            DelimitedMessage.Write(output, new ClientReadStatusProto { Status = Status.ChecksumOk });
            await stream.WriteAsync(output.WrittenMemory, cancellationToken);
            return;
        }

        var bytesPerChecksum = (int)checksum.BytesPerChecksum;
        if (header.OffsetInBlock != nextPacketOffset
            || packet.Checksums.Length != DataChecksum.ChecksumLength(checksum.Type, bytesPerChecksum, header.DataLength))
        {
            throw Failed($"sent a packet at {header.OffsetInBlock} with {header.DataLength} bytes and {packet.Checksums.Length} of checksums where {nextPacketOffset} was next", null, null);
        }

        var bad = DataChecksum.FindMismatch(checksum.Type, bytesPerChecksum, packet.Data.FirstSpan, packet.Checksums.FirstSpan);
        if (bad >= 0)
        {
            throw Failed($"sent a bad {checksum.Type} checksum for the chunk at block offset {nextPacketOffset + ((long)bad * bytesPerChecksum)}", Status.ErrorChecksum, null);
        }

        nextPacketOffset += header.DataLength;

        // The first packet starts at the chunk boundary before the range.
        packetRead = (int)Math.Clamp(position - header.OffsetInBlock, 0, header.DataLength);
    }

    private DataNodeException Failed(string problem, Status? status, Exception? inner) =>
        new(nodeIndex, node, $"{problem} (block {blockId}, reading {position} of {end})", status, inner);
}
