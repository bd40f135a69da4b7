using System.Buffers;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

/// <summary>Small helpers to write with either protocol and to build split buffers.</summary>
internal static class ThriftBytes
{
    public delegate void CompactWrite(ref CompactProtocolWriter writer);

    public delegate void BinaryWrite(ref BinaryProtocolWriter writer);

    public static byte[] Compact(CompactWrite write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new CompactProtocolWriter(output);
        write(ref writer);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Binary(BinaryWrite write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BinaryProtocolWriter(output);
        write(ref writer);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Framed(byte[] message)
    {
        var output = new ArrayBufferWriter<byte>();
        ThriftFraming.WriteFrame(output, message);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The bytes as a sequence of segments cut at the given offsets.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Append(data.Length).ToArray();
        var first = new Segment(data.AsMemory(0, bounds[0]), 0);
        var last = first;
        for (var i = 1; i < bounds.Length; i++)
        {
            last = last.Append(data.AsMemory(bounds[i - 1], bounds[i] - bounds[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
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
