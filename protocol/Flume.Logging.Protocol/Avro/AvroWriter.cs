using System.Buffers;
using System.Text;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Writes Avro binary primitives to a buffer writer, or to a span the caller sized (one <c>GetSpan</c> for many
/// primitives, which is what the event encoder does per event).
/// </summary>
internal static class AvroWriter
{
    /// <summary>The most bytes a long takes as a zigzag varint.</summary>
    public const int MaxLongLength = 10;

    public static void WriteLong(IBufferWriter<byte> output, long value) => output.Advance(WriteLong(output.GetSpan(MaxLongLength), value));

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WriteLong(Span<byte> destination, long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        var i = 0;
        while (raw >= 0x80)
        {
            destination[i++] = (byte)(raw | 0x80);
            raw >>= 7;
        }

        destination[i++] = (byte)raw;
        return i;
    }

    public static void WriteInt(IBufferWriter<byte> output, int value) => WriteLong(output, value);

    public static void WriteBoolean(IBufferWriter<byte> output, bool value)
    {
        output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        output.Advance(1);
    }

    public static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        WriteLong(output, value.Length);
        WriteFixed(output, value);
    }

    /// <summary>Writes <paramref name="value"/> with its length in front; returns the bytes written.</summary>
    public static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        var written = WriteLong(destination, value.Length);
        value.CopyTo(destination[written..]);
        return written + value.Length;
    }

    public static void WriteFixed(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            value.CopyTo(output.GetSpan(value.Length));
            output.Advance(value.Length);
        }
    }

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(output, length);
        if (length > 0)
        {
            var written = Encoding.UTF8.GetBytes(value, output.GetSpan(length));
            output.Advance(written);
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> as UTF-8 with its length in front; returns the bytes written.
    /// <paramref name="destination"/> must have room for <see cref="MaxStringLength"/>.
    /// </summary>
    public static int WriteString(Span<byte> destination, string value)
    {
        var written = WriteLong(destination, Encoding.UTF8.GetByteCount(value));
        return written + Encoding.UTF8.GetBytes(value, destination[written..]);
    }

    /// <summary>The most bytes <see cref="WriteString(Span{byte}, string)"/> writes for <paramref name="value"/>.</summary>
    public static long MaxStringLength(string value) => MaxLongLength + ((long)value.Length + 1) * 3;
}
