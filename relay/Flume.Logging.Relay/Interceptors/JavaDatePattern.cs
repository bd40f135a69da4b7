using System.Text;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Translates a Joda-Time / Java date pattern (such as <c>yyyy-MM-dd HH:mm:ss,SSS Z</c>) into a .NET custom
/// date and time format string for parsing.
/// </summary>
internal static class JavaDatePattern
{
    /// <summary>
    /// Translates <paramref name="pattern"/>. Supported letters: <c>y Y</c> year, <c>M L</c> month (number or name),
    /// <c>d</c> day, <c>E</c> day name, <c>a</c> AM/PM, <c>H h</c> hour, <c>m</c> minute, <c>s</c> second,
    /// <c>S</c> fraction of a second, <c>Z</c> offset (<c>-0800</c> or <c>-08:00</c>), <c>X</c> ISO offset (also
    /// <c>Z</c>); text in single quotes (<c>''</c> is a quote) and every other non-letter are literal.
    /// </summary>
    /// <param name="pattern">The Java pattern.</param>
    /// <param name="dotNetPattern">The .NET pattern, every literal escaped.</param>
    /// <param name="hasZone">Whether the pattern reads an offset; without one, times are UTC.</param>
    /// <param name="error">Why the pattern cannot be used, or empty.</param>
    public static bool TryTranslate(string pattern, out string dotNetPattern, out bool hasZone, out string error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var result = new StringBuilder(pattern.Length * 2);
        hasZone = false;
        dotNetPattern = "";
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                if (!TryQuoted(pattern, ref i, result, out error))
                {
                    return false;
                }

                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                Literal(c, result);
                i++;
                continue;
            }

            var count = 1;
            while (i + count < pattern.Length && pattern[i + count] == c)
            {
                count++;
            }

            if (!TryField(c, count, result, ref hasZone, out error))
            {
                return false;
            }

            i += count;
        }

        if (result.Length == 0)
        {
            error = "is empty";
            return false;
        }

        dotNetPattern = result.ToString();
        error = "";
        return true;
    }

    private static bool TryField(char letter, int count, StringBuilder result, ref bool hasZone, out string error)
    {
        error = "";
        switch (letter)
        {
            case 'y' or 'Y':
                result.Append(count == 2 ? "yy" : "yyyy");
                return true;
            case 'M' or 'L':
                result.Append('M', Math.Min(count, 4));
                return true;
            case 'd' or 'H' or 'h' or 'm' or 's':
                result.Append(letter, Math.Min(count, 2));
                return true;
            case 'E':
                result.Append(count <= 3 ? "ddd" : "dddd");
                return true;
            case 'a':
                result.Append("tt");
                return true;
            case 'S' when count <= 7:
                result.Append('f', count);
                return true;
            case 'S':
                error = "has more than 7 fraction digits (S); .NET reads at most 7";
                return false;
            case 'Z' when count <= 2:
                // zzz reads -0800 as well as -08:00, Joda's Z and ZZ.
                result.Append("zzz");
                hasZone = true;
                return true;
            case 'X':
                result.Append('K');
                hasZone = true;
                return true;
            case 'Z' or 'z':
                error = $"uses '{new string(letter, count)}' (a time zone name), which cannot be parsed; use Z for an offset such as -0800";
                return false;
            default:
                error = $"uses the pattern letter '{letter}', which is not supported (supported: y Y M L d E a H h m s S Z X)";
                return false;
        }
    }

    private static bool TryQuoted(string pattern, ref int i, StringBuilder result, out string error)
    {
        error = "";
        if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
        {
            Literal('\'', result);
            i += 2;
            return true;
        }

        i++;
        while (i < pattern.Length)
        {
            if (pattern[i] != '\'')
            {
                Literal(pattern[i], result);
                i++;
            }
            else if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
            {
                Literal('\'', result);
                i += 2;
            }
            else
            {
                i++;
                return true;
            }
        }

        error = "has an unterminated quote (')";
        return false;
    }

    // Escaped one by one: in .NET, ':' and '/' are culture separators and letters are fields.
    private static void Literal(char c, StringBuilder result) => result.Append('\\').Append(c);
}
