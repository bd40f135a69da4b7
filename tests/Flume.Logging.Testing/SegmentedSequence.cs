using System.Buffers;

namespace Flume.Logging.Testing;

/// <summary>
/// Bytes as a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands over data that arrived in pieces, so
/// decoders meet frames split anywhere.
/// </summary>
public static class SegmentedSequence
{
    /// <summary><paramref name="data"/> cut at <paramref name="cuts"/> (offsets outside the data, or repeated, are ignored).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Append(data.Length).ToArray();
        var first = new Segment(data[..bounds[0]], 0);
        var last = first;
        for (var i = 1; i < bounds.Length; i++)
        {
            last = last.Append(data[bounds[i - 1]..bounds[i]]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="data"/> in pieces of <paramref name="length"/> bytes; one segment when it is 0 or covers the data.</summary>
    public static ReadOnlySequence<byte> Chunks(ReadOnlyMemory<byte> data, int length)
    {
        if (length <= 0 || data.Length <= length)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var cuts = new int[(data.Length - 1) / length];
        for (var i = 0; i < cuts.Length; i++)
        {
            cuts[i] = (i + 1) * length;
        }

        return Split(data, cuts);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
