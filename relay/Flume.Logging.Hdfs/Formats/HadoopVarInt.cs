namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Hadoop's variable-length integers (<c>WritableUtils.writeVLong</c>/<c>readVLong</c>): -112..127 in one byte;
/// otherwise a first byte telling the sign and the count of big-endian magnitude bytes that follow (negative values
/// are stored complemented).
/// </summary>
internal static class HadoopVarInt
{
    /// <summary>The most bytes one value takes.</summary>
    public const int MaxLength = 9;

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/>, returning the bytes used.</summary>
    public static int Write(long value, Span<byte> destination)
    {
        if (value is >= -112 and <= 127)
        {
            destination[0] = (byte)(sbyte)value;
            return 1;
        }

        var marker = -112;
        if (value < 0)
        {
            value = ~value;
            marker = -120;
        }

        var bytes = 8 - (System.Numerics.BitOperations.LeadingZeroCount((ulong)value) / 8);
        destination[0] = (byte)(sbyte)(marker - bytes);
        for (var i = 0; i < bytes; i++)
        {
            destination[1 + i] = (byte)(value >> ((bytes - 1 - i) * 8));
        }

        return 1 + bytes;
    }

    /// <summary>Reads one value from <paramref name="source"/>.</summary>
    /// <exception cref="EndOfStreamException">The source ends inside the value.</exception>
    public static long Read(Stream source)
    {
        var first = (sbyte)ReadByte(source);
        if (first >= -112)
        {
            return first;
        }

        var negative = first < -120;
        var count = negative ? -120 - first : -112 - first;
        long value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 8) | (byte)ReadByte(source);
        }

        return negative ? ~value : value;
    }

    /// <summary>Reads one value that must fit an <see cref="int"/> and be at least zero, as lengths and counts are.</summary>
    /// <exception cref="InvalidDataException">The value is negative or too big.</exception>
    public static int ReadLength(Stream source, string what)
    {
        var value = Read(source);
        return value is < 0 or > int.MaxValue ? throw new InvalidDataException($"{what} is {value}, not a usable length.") : (int)value;
    }

    private static int ReadByte(Stream source)
    {
        var b = source.ReadByte();
        return b < 0 ? throw new EndOfStreamException("The data ends inside a variable-length integer.") : b;
    }
}
