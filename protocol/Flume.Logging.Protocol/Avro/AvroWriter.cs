using System.Buffers;
using System.Text;

namespace Flume.Logging.Protocol.Avro;

/// <summary>Writes Avro binary primitives to a buffer writer.</summary>
internal static class AvroWriter
{
    public static void WriteLong(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(10);
        var raw = (ulong)((value << 1) ^ (value >> 63));
        var i = 0;
        while (raw >= 0x80)
        {
            span[i++] = (byte)(raw | 0x80);
            raw >>= 7;
        }

        span[i++] = (byte)raw;
        output.Advance(i);
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
}
