using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every log record and checkpoint, from the BCL's
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>: the CPU's CRC instruction on x86 and Arm, a table elsewhere.
/// Not System.IO.Hashing: its CRC-32C arrives in version 11, which no longer supports .NET 8, where this library
/// also runs (inside the appenders' disk buffer).
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
