using System.Buffers.Binary;
using System.IO.Hashing;
using Avro.File;
using Snappier;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>
/// Avro's <c>snappy</c> block codec, which Apache.Avro names but does not ship: each block is one raw Snappy block
/// followed by the big-endian CRC-32 of the uncompressed data, as the Avro specification defines it.
/// </summary>
internal sealed class AvroSnappyCodec : Codec
{
    /// <summary>The codec's name in a file's <c>avro.codec</c> metadata.</summary>
    public const string Name = "snappy";

    public override byte[] Compress(byte[] uncompressedData)
    {
        ArgumentNullException.ThrowIfNull(uncompressedData);
        return CompressSpan(uncompressedData);
    }

    public override void Compress(MemoryStream inputStream, MemoryStream outputStream)
    {
        ArgumentNullException.ThrowIfNull(inputStream);
        ArgumentNullException.ThrowIfNull(outputStream);
        var compressed = CompressSpan(inputStream.GetBuffer().AsSpan(0, (int)inputStream.Length));
        outputStream.SetLength(0);
        outputStream.Write(compressed);
    }

    public override byte[] Decompress(byte[] compressedData, int length)
    {
        ArgumentNullException.ThrowIfNull(compressedData);
        if (length < 4)
        {
            throw new InvalidDataException("An Avro snappy block is shorter than its 4-byte checksum.");
        }

        var data = Snappy.DecompressToArray(compressedData.AsSpan(0, length - 4));
        if (Crc32.HashToUInt32(data) != BinaryPrimitives.ReadUInt32BigEndian(compressedData.AsSpan(length - 4)))
        {
            throw new InvalidDataException("An Avro snappy block fails its CRC-32 check.");
        }

        return data;
    }

    public override string GetName() => Name;

    public override bool Equals(object? other) => other is AvroSnappyCodec;

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    private static byte[] CompressSpan(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[Snappy.GetMaxCompressedLength(data.Length) + 4];
        var length = Snappy.Compress(data, buffer);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(length), Crc32.HashToUInt32(data));
        return buffer.AsSpan(0, length + 4).ToArray();
    }
}
