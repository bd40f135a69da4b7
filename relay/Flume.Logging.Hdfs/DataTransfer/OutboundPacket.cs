using System.Buffers;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// A packet the writer fills, sends and keeps until it is acked (to resend it after a pipeline recovery). One pooled
/// buffer holds the whole frame: room for the longest prefix and header and the checksums of a full packet, then the
/// data. Sealing writes the checksums just before the data and the header just before them, so a packet that is not
/// full is still one contiguous frame with nothing moved.
/// </summary>
internal sealed class OutboundPacket : IDisposable
{
    private readonly int dataStart;
    private byte[] buffer;

    /// <summary>A packet for up to <paramref name="dataCapacity"/> bytes with <paramref name="maxChecksumLength"/> of checksums.</summary>
    public OutboundPacket(int dataCapacity, int maxChecksumLength)
    {
        dataStart = PacketCodec.MaxFramePrefixLength + maxChecksumLength;
        buffer = ArrayPool<byte>.Shared.Rent(dataStart + dataCapacity);
        DataCapacity = dataCapacity;
    }

    /// <summary>Bytes of data the packet can hold.</summary>
    public int DataCapacity { get; }

    /// <summary>Where the data starts in the block.</summary>
    public long OffsetInBlock { get; private set; }

    /// <summary>Bytes of data so far.</summary>
    public int DataLength { get; private set; }

    /// <summary>The block offset just past the data.</summary>
    public long End => OffsetInBlock + DataLength;

    /// <summary>The sequence number, set when sealed.</summary>
    public long Seqno { get; private set; }

    /// <summary>True for the block's last (empty) packet.</summary>
    public bool LastPacketInBlock { get; private set; }

    /// <summary>The data written so far.</summary>
    public ReadOnlySpan<byte> Data => buffer.AsSpan(dataStart, DataLength);

    /// <summary>The sealed frame, ready to send (or resend).</summary>
    public ReadOnlyMemory<byte> Frame { get; private set; }

    /// <summary>Empties the packet for data starting at <paramref name="offsetInBlock"/>.</summary>
    public void Reset(long offsetInBlock)
    {
        OffsetInBlock = offsetInBlock;
        DataLength = 0;
        LastPacketInBlock = false;
        Frame = default;
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns the bytes taken.</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        var n = Math.Min(DataCapacity - DataLength, data.Length);
        data[..n].CopyTo(buffer.AsSpan(dataStart + DataLength));
        DataLength += n;
        return n;
    }

    /// <summary>Computes the checksums and writes the header, making <see cref="Frame"/>.</summary>
    public void Seal(long seqno, bool lastPacketInBlock, bool syncBlock, ChecksumTypeProto checksumType, int bytesPerChecksum)
    {
        Seqno = seqno;
        LastPacketInBlock = lastPacketInBlock;
        var checksumLength = DataChecksum.ChecksumLength(checksumType, bytesPerChecksum, DataLength);
        var checksumStart = dataStart - checksumLength;
        DataChecksum.Compute(checksumType, bytesPerChecksum, Data, buffer.AsSpan(checksumStart, checksumLength));
        var header = new PacketHeader(OffsetInBlock, seqno, lastPacketInBlock, DataLength, syncBlock);
        var frameStart = checksumStart - PacketCodec.FramePrefixLength(header);
        PacketCodec.WriteFramePrefix(buffer.AsSpan(frameStart), header, checksumLength);
        Frame = buffer.AsMemory(frameStart, dataStart + DataLength - frameStart);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
        Frame = default;
    }
}
