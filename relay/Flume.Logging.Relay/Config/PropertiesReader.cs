using System.Globalization;
using System.Text;

namespace Flume.Logging.Relay.Config;

/// <summary>
/// Reads the java.util.Properties text format exactly as <c>Properties.load(Reader)</c> of the JDK since 9 does
/// (compared against JDK 17 on thousands of generated files), so a Flume configuration file runs unchanged:
/// comments, the three separators, line continuations and escapes. The one deliberate difference: a byte order
/// mark at the start of the text is dropped. The caller picks the text encoding: the relay reads files as UTF-8,
/// where Flume 1.11's <c>Properties.load(InputStream)</c> reads ISO-8859-1 (the JDK oracle test checks this reader
/// under both).
/// </summary>
public static class PropertiesReader
{
    /// <summary>
    /// Reads every entry from <paramref name="reader"/>. When a key occurs more than once the last one wins
    /// (as in Java) and keeps its own line; entries are returned in the file order of the lines that won.
    /// </summary>
    /// <param name="reader">The properties text.</param>
    /// <param name="sourceName">The name given to the text in entries and messages, usually the file path.</param>
    /// <exception cref="ConfigurationException">A malformed <c>\uXXXX</c> escape, naming its line.</exception>
    public static IReadOnlyList<PropertyEntry> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);

        var entries = new List<PropertyEntry>();
        var lastIndexByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new PhysicalLineReader(reader);
        var logical = new StringBuilder();
        var lineNumber = 0;

        while (lines.Next(out var natural))
        {
            lineNumber++;

            // Java keeps a byte order mark as part of the first key; a file saved by a Windows editor would
            // then silently lose its first setting, so it is dropped here.
            if (lineNumber == 1 && natural.Length > 0 && natural[0] == '\uFEFF')
            {
                natural = natural[1..];
            }

            var start = SkipWhitespace(natural, 0);
            if (start == natural.Length || IsCommentMark(natural[start]))
            {
                continue;
            }

            var firstLine = lineNumber;
            logical.Clear();
            var segment = natural.AsSpan(start);
            var emit = true;
            while (EndsWithOddBackslashes(segment))
            {
                logical.Append(segment[..^1]);
                segment = [];
                var end = lines.LastEnd;

                // The JDK keeps a logical line, even an empty one, when its continuation backslash is followed by
                // the end of the input or by a one-character line break that is the input's last character.
                if (end == PhysicalLineReader.LineEnd.EndOfInput)
                {
                    break;
                }

                if (!lines.Next(out var next))
                {
                    emit = logical.Length > 0 || end == PhysicalLineReader.LineEnd.Single;
                    break;
                }

                lineNumber++;
                segment = next.AsSpan(SkipWhitespace(next, 0));

                // As in the JDK since 9, a logical line that is still empty starts as a comment if the
                // continuation begins with a comment mark; a blank continuation ends the logical line.
                if (segment.IsEmpty || (logical.Length == 0 && IsCommentMark(segment[0])))
                {
                    emit = logical.Length > 0 && segment.IsEmpty;
                    segment = [];
                    break;
                }
            }

            if (!emit)
            {
                continue;
            }

            logical.Append(segment);
            var entry = ParseLogicalLine(logical.ToString(), sourceName, firstLine);
            lastIndexByKey[entry.Key] = entries.Count;
            entries.Add(entry);
        }

        if (lastIndexByKey.Count == entries.Count)
        {
            return entries;
        }

        var winners = new List<PropertyEntry>(lastIndexByKey.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (lastIndexByKey[entries[i].Key] == i)
            {
                winners.Add(entries[i]);
            }
        }

        return winners;
    }

    private static PropertyEntry ParseLogicalLine(string line, string sourceName, int lineNumber)
    {
        // The key ends at the first unescaped '=', ':' or whitespace.
        var keyLength = 0;
        var valueStart = line.Length;
        var hasSeparator = false;
        var precedingBackslash = false;
        while (keyLength < line.Length)
        {
            var c = line[keyLength];
            if (!precedingBackslash && c is '=' or ':')
            {
                valueStart = keyLength + 1;
                hasSeparator = true;
                break;
            }

            if (!precedingBackslash && IsWhitespace(c))
            {
                valueStart = keyLength + 1;
                break;
            }

            precedingBackslash = c == '\\' && !precedingBackslash;
            keyLength++;
        }

        // Whitespace around the separator is skipped, and one '=' or ':' after whitespace is the separator.
        while (valueStart < line.Length)
        {
            var c = line[valueStart];
            if (!IsWhitespace(c))
            {
                if (hasSeparator || c is not ('=' or ':'))
                {
                    break;
                }

                hasSeparator = true;
            }

            valueStart++;
        }

        var rawKey = line[..keyLength];
        var key = Unescape(rawKey, rawKey, sourceName, lineNumber);
        var value = Unescape(line.AsSpan(valueStart), key, sourceName, lineNumber);
        return new PropertyEntry(key, value, sourceName, lineNumber);
    }

    private static string Unescape(ReadOnlySpan<char> text, string key, string sourceName, int lineNumber)
    {
        if (!text.Contains('\\'))
        {
            return text.ToString();
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i++];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (i == text.Length)
            {
                // Only reachable for a lone backslash ending the input, which Java drops as well.
                break;
            }

            c = text[i++];
            switch (c)
            {
                case 'u':
                    if (text.Length - i < 4
                        || !ushort.TryParse(text.Slice(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        var found = text[i..Math.Min(text.Length, i + 4)].ToString();
                        throw new ConfigurationException(
                            key,
                            $"{key}: malformed \\uXXXX escape '\\u{found}' (four hex digits are required)",
                            sourceName,
                            lineNumber);
                    }

                    result.Append((char)code);
                    i += 4;
                    break;
                case 't':
                    result.Append('\t');
                    break;
                case 'n':
                    result.Append('\n');
                    break;
                case 'r':
                    result.Append('\r');
                    break;
                case 'f':
                    result.Append('\f');
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }

    private static bool IsCommentMark(char c) => c is '#' or '!';

    private static bool EndsWithOddBackslashes(ReadOnlySpan<char> segment)
    {
        var count = 0;
        for (var i = segment.Length - 1; i >= 0 && segment[i] == '\\'; i--)
        {
            count++;
        }

        return (count & 1) == 1;
    }

    private static int SkipWhitespace(string text, int index)
    {
        while (index < text.Length && IsWhitespace(text[index]))
        {
            index++;
        }

        return index;
    }

    // java.util.Properties treats only these three as whitespace, not every Unicode space.
    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\f';
}
