using System.Buffers;
using Flume.Logging.Testing;

namespace Flume.Logging.Fuzz;

/// <summary>
/// How harnesses read their input: the first byte chooses how the rest is cut into segments (1-15 bytes, or one
/// segment for 0 and 16 up), so decoders also meet frames split across pipe segments, as on a socket.
/// </summary>
internal static class FuzzInput
{
    /// <summary>Segment length chosen by <paramref name="control"/>: 0 for the whole input in one segment.</summary>
    public static int SegmentLength(byte control) => control & 0x0F;

    /// <summary>The first byte of <paramref name="input"/>, or 0 when it is empty.</summary>
    public static byte Control(byte[] input) => input.Length == 0 ? (byte)0 : input[0];

    /// <summary>The bytes after the control byte.</summary>
    public static ReadOnlyMemory<byte> Data(byte[] input) => input.Length == 0 ? ReadOnlyMemory<byte>.Empty : input.AsMemory(1);

    /// <summary>Prefixes <paramref name="data"/> with <paramref name="control"/>, for seeds.</summary>
    public static byte[] With(byte control, ReadOnlySpan<byte> data)
    {
        var input = new byte[data.Length + 1];
        input[0] = control;
        data.CopyTo(input.AsSpan(1));
        return input;
    }

    /// <summary><paramref name="data"/> as a sequence of segments of <paramref name="segmentLength"/> bytes (0: one segment).</summary>
    public static ReadOnlySequence<byte> Sequence(ReadOnlyMemory<byte> data, int segmentLength) => SegmentedSequence.Chunks(data, segmentLength);
}
