using System.Buffers.Binary;
using System.IO.Hashing;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>
/// HDFS chunk checksums: every <c>bytesPerChecksum</c> bytes of a packet's data (the last chunk may be shorter) carry
/// one big-endian 4-byte CRC, CRC32C (Castagnoli, Hadoop's default) or CRC32 (IEEE, what older clients ask for).
/// </summary>
internal static class DataChecksum
{
    /// <summary>Bytes per checksum of <paramref name="type"/>: 4 for the CRCs, 0 for CHECKSUM_NULL.</summary>
    public static int SizeOf(ChecksumTypeProto type) => type switch
    {
        ChecksumTypeProto.ChecksumNull => 0,
        ChecksumTypeProto.ChecksumCrc32 or ChecksumTypeProto.ChecksumCrc32C => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported checksum type"),
    };

    /// <summary>True for the checksum types this library computes.</summary>
    public static bool IsSupported(ChecksumTypeProto type) =>
        type is ChecksumTypeProto.ChecksumNull or ChecksumTypeProto.ChecksumCrc32 or ChecksumTypeProto.ChecksumCrc32C;

    /// <summary>Number of chunks <paramref name="dataLength"/> bytes make (a short last chunk counts).</summary>
    public static int ChunkCount(int dataLength, int bytesPerChecksum) => (dataLength + bytesPerChecksum - 1) / bytesPerChecksum;

    /// <summary>Length of the checksums of <paramref name="dataLength"/> bytes.</summary>
    public static int ChecksumLength(ChecksumTypeProto type, int bytesPerChecksum, int dataLength) =>
        SizeOf(type) * ChunkCount(dataLength, bytesPerChecksum);

    /// <summary>Writes the checksum of every chunk of <paramref name="data"/> into <paramref name="checksums"/>.</summary>
    public static void Compute(ChecksumTypeProto type, int bytesPerChecksum, ReadOnlySpan<byte> data, Span<byte> checksums)
    {
        if (type == ChecksumTypeProto.ChecksumNull)
        {
            return;
        }

        for (var chunk = 0; !data.IsEmpty; chunk++)
        {
            var length = Math.Min(bytesPerChecksum, data.Length);
            BinaryPrimitives.WriteUInt32BigEndian(checksums[(chunk * 4)..], Crc(type, data[..length]));
            data = data[length..];
        }
    }

    /// <summary>
    /// The index of the first chunk of <paramref name="data"/> whose checksum differs from <paramref name="checksums"/>,
    /// or -1 when all match.
    /// </summary>
    public static int FindMismatch(ChecksumTypeProto type, int bytesPerChecksum, ReadOnlySpan<byte> data, ReadOnlySpan<byte> checksums)
    {
        if (type == ChecksumTypeProto.ChecksumNull)
        {
            return -1;
        }

        for (var chunk = 0; !data.IsEmpty; chunk++)
        {
            var length = Math.Min(bytesPerChecksum, data.Length);
            if (BinaryPrimitives.ReadUInt32BigEndian(checksums[(chunk * 4)..]) != Crc(type, data[..length]))
            {
                return chunk;
            }

            data = data[length..];
        }

        return -1;
    }

    /// <summary>CRC32C of <paramref name="data"/>.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    private static uint Crc(ChecksumTypeProto type, ReadOnlySpan<byte> chunk) =>
        type == ChecksumTypeProto.ChecksumCrc32C ? Crc32C(chunk) : Crc32.HashToUInt32(chunk);
}
