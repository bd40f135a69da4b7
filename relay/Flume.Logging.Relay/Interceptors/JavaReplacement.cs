using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Translates a Java <c>Matcher.replaceAll</c> replacement string into a .NET one: <c>$n</c> and <c>${name}</c>
/// are group references (Java takes the longest number that names a group), <c>\x</c> is a literal <c>x</c>, and
/// every other character is literal (so a literal <c>$</c> becomes .NET's <c>$$</c>).
/// </summary>
internal static class JavaReplacement
{
    /// <summary>
    /// Translates <paramref name="replacement"/> for <paramref name="regex"/>; false, with the reason Java would
    /// give, when it refers to a group the expression lacks or ends in a lone <c>\</c> or <c>$</c>.
    /// </summary>
    public static bool TryTranslate(string replacement, Regex regex, out string dotNet, out string error)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentNullException.ThrowIfNull(regex);
        var groupCount = GroupCount(regex);
        var result = new StringBuilder(replacement.Length + 8);
        dotNet = "";
        error = "";
        var i = 0;
        while (i < replacement.Length)
        {
            var c = replacement[i++];
            if (c == '\\')
            {
                if (i == replacement.Length)
                {
                    error = "ends with '\\': the character to be escaped is missing";
                    return false;
                }

                AppendLiteral(replacement[i++], result);
            }
            else if (c == '$')
            {
                if (!TryGroupReference(replacement, ref i, regex, groupCount, result, out error))
                {
                    return false;
                }
            }
            else
            {
                AppendLiteral(c, result);
            }
        }

        dotNet = result.ToString();
        return true;
    }

    private static bool TryGroupReference(string replacement, ref int i, Regex regex, int groupCount, StringBuilder result, out string error)
    {
        error = "";
        if (i == replacement.Length)
        {
            error = "ends with '$': the group reference is missing";
            return false;
        }

        if (replacement[i] == '{')
        {
            var end = replacement.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = "has a named group reference without its closing '}'";
                return false;
            }

            var name = replacement[(i + 1)..end];
            if (name.Length == 0 || regex.GroupNumberFromName(name) < 0 || char.IsAsciiDigit(name[0]))
            {
                error = $"refers to the group {{{name}}}, which the search pattern does not have";
                return false;
            }

            result.Append("${").Append(name).Append('}');
            i = end + 1;
            return true;
        }

        if (!char.IsAsciiDigit(replacement[i]))
        {
            error = $"has '$' followed by '{replacement[i]}': a literal $ is written \\$";
            return false;
        }

        var number = replacement[i++] - '0';
        while (i < replacement.Length && char.IsAsciiDigit(replacement[i]))
        {
            var longer = (number * 10) + (replacement[i] - '0');
            if (longer > groupCount)
            {
                break;
            }

            number = longer;
            i++;
        }

        if (number > groupCount)
        {
            error = $"refers to group {number.ToString(CultureInfo.InvariantCulture)}, but the search pattern has {groupCount.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }

        result.Append("${").Append(number.ToString(CultureInfo.InvariantCulture)).Append('}');
        return true;
    }

    private static int GroupCount(Regex regex)
    {
        var max = 0;
        foreach (var number in regex.GetGroupNumbers())
        {
            max = Math.Max(max, number);
        }

        return max;
    }

    private static void AppendLiteral(char c, StringBuilder result)
    {
        if (c == '$')
        {
            result.Append('$');
        }

        result.Append(c);
    }
}
