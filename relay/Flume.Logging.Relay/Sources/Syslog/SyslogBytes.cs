namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>The byte-level readers both syslog parsers walk their grammars with.</summary>
internal static class SyslogBytes
{
    /// <summary>
    /// Reads <c>HH:mm:ss</c>, each field of <paramref name="minDigits"/> to 2 digits (SyslogUtils' pattern wants 2,
    /// Joda-Time's parser takes 1 or 2).
    /// </summary>
    public static bool TryReadClock(ReadOnlySpan<byte> text, ref int i, int minDigits, out int hour, out int minute, out int second)
    {
        minute = 0;
        second = 0;
        return TryReadDigits(text, ref i, minDigits, 2, out hour) && TryExpect(text, ref i, ':')
            && TryReadDigits(text, ref i, minDigits, 2, out minute) && TryExpect(text, ref i, ':')
            && TryReadDigits(text, ref i, minDigits, 2, out second);
    }

    /// <summary>Reads <paramref name="min"/> to <paramref name="max"/> ASCII digits; false (position moved) when fewer.</summary>
    public static bool TryReadDigits(ReadOnlySpan<byte> text, ref int i, int min, int max, out int value)
    {
        value = 0;
        var count = 0;
        while (count < max && i < text.Length && IsDigit(text[i]))
        {
            value = (value * 10) + (text[i] - '0');
            count++;
            i++;
        }

        return count >= min;
    }

    /// <summary>Steps over <paramref name="expected"/> when it is next.</summary>
    public static bool TryExpect(ReadOnlySpan<byte> text, ref int i, char expected)
    {
        if (i < text.Length && text[i] == expected)
        {
            i++;
            return true;
        }

        return false;
    }

    public static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
