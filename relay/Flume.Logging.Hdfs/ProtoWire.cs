using System.Buffers;

namespace Flume.Logging.Hdfs;

/// <summary>
/// The few protobuf wire primitives the hand-written codecs need (IPC frames, packet headers, pipeline acks), so a packet
/// or an ack costs no message object.
/// </summary>
internal static class ProtoWire
{
    /// <summary>Longest varint (a 64-bit value).</summary>
    public const int MaxVarintLength = 10;

    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    /// <summary>
    /// Reads a varint at <paramref name="position"/>. NeedMoreData when the span ends inside it, InvalidData when it
    /// runs past ten bytes.
    /// </summary>
    public static OperationStatus TryReadVarint(ReadOnlySpan<byte> input, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= input.Length)
            {
                return OperationStatus.NeedMoreData;
            }

            var b = input[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return OperationStatus.Done;
            }
        }

        return OperationStatus.InvalidData;
    }

    /// <summary>Skips one field's value of <paramref name="wireType"/>; InvalidData for groups and unknown wire types.</summary>
    public static OperationStatus TrySkip(ReadOnlySpan<byte> input, ref int position, int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                return TryReadVarint(input, ref position, out _);
            case WireFixed64:
                return TryTake(input, ref position, 8, out _);
            case WireFixed32:
                return TryTake(input, ref position, 4, out _);
            case WireLengthDelimited:
                var status = TryReadVarint(input, ref position, out var length);
                return status != OperationStatus.Done ? status
                    : length > int.MaxValue ? OperationStatus.InvalidData
                    : TryTake(input, ref position, (int)length, out _);
            default:
                return OperationStatus.InvalidData;
        }
    }

    /// <summary>Writes <paramref name="value"/> as a varint; returns the bytes written.</summary>
    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads the varint length prefix of a delimited message from the start of a sequence.</summary>
    public static OperationStatus TryReadLengthPrefix(ReadOnlySequence<byte> input, out int prefixLength, out ulong length)
    {
        Span<byte> head = stackalloc byte[MaxVarintLength];
        var available = (int)Math.Min(input.Length, MaxVarintLength);
        input.Slice(0, available).CopyTo(head);
        prefixLength = 0;
        var status = TryReadVarint(head[..available], ref prefixLength, out length);
        return status == OperationStatus.NeedMoreData && available == MaxVarintLength ? OperationStatus.InvalidData : status;
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Takes the next <paramref name="count"/> bytes; NeedMoreData when fewer are left.</summary>
    public static OperationStatus TryTake(ReadOnlySpan<byte> input, ref int position, int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (input.Length - position < count)
        {
            return OperationStatus.NeedMoreData;
        }

        bytes = input.Slice(position, count);
        position += count;
        return OperationStatus.Done;
    }
}
