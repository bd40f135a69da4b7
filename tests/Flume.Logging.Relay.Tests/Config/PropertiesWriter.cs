using System.Globalization;
using System.Text;

namespace Flume.Logging.Relay.Tests.Config;

/// <summary>
/// Writes properties text the way java.util.Properties.store escapes it, with options that exercise the
/// reader's other syntax: the separator, raw or \u-escaped non-ASCII, and values wrapped over continuation lines.
/// </summary>
internal static class PropertiesWriter
{
    public static string Write(
        IEnumerable<(string Key, string Value)> entries, string separator, bool escapeNonAscii, int wrapEvery)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in entries)
        {
            text.Append("# entry\n");
            text.Append(string.Concat(Escape(key, isKey: true, escapeNonAscii)));
            // With an empty key a whitespace separator would be skipped as leading whitespace and the value
            // would become the key, so an explicit '=' is needed (java.util.Properties.store always writes one).
            text.Append(key.Length == 0 && string.IsNullOrWhiteSpace(separator) ? "=" : separator);

            var tokens = Escape(value, isKey: false, escapeNonAscii);
            for (var i = 0; i < tokens.Count; i++)
            {
                // A continuation drops the next line's leading whitespace, so never wrap before a raw space.
                if (wrapEvery > 0 && i > 0 && i % wrapEvery == 0 && tokens[i] != " ")
                {
                    text.Append("\\\n  \t");
                }

                text.Append(tokens[i]);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The escaped text as tokens, one per source character, so wrapping never splits an escape.</summary>
    private static List<string> Escape(string text, bool isKey, bool escapeNonAscii)
    {
        var tokens = new List<string>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            tokens.Add(c switch
            {
                ' ' when isKey || i == 0 => "\\ ",
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                '\f' => "\\f",
                '\\' or '=' or ':' or '#' or '!' => "\\" + c,
                _ when c < 0x20 || c == 0x7f || (escapeNonAscii && c > 0x7e) =>
                    "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return tokens;
    }
}
