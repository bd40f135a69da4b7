using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Renders an event the way Flume's logger sink prints it, so operators' greps and habits carry over:
/// <c>{ headers:{k=v, k2=v2} body: 48 65 6C 6C 6F          Hello }</c>. The body preview is a hex dump of up to
/// 16 bytes a line, each line followed by its printable ASCII (other bytes as '.').
/// It is formatted only when the line is actually written.
/// </summary>
internal readonly struct EventDump(FlumeEvent flumeEvent, int maxBytes)
{
    private const int BytesPerLine = 16;

    public override string ToString()
    {
        var text = new StringBuilder("{ headers:{");
        var first = true;
        foreach (var (key, value) in flumeEvent.Headers)
        {
            text.Append(first ? "" : ", ").Append(key).Append('=').Append(value);
            first = false;
        }

        text.Append("} body:");
        var body = flumeEvent.Body.Span;
        var shown = body[..Math.Min(body.Length, Math.Max(0, maxBytes))];
        for (var offset = 0; offset < shown.Length; offset += BytesPerLine)
        {
            if (offset > 0)
            {
                // Java's HexDump starts every line after the first with its offset; only the first one is trimmed.
                text.Append('\n').Append(offset.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
            }

            var line = shown.Slice(offset, Math.Min(BytesPerLine, shown.Length - offset));
            text.Append(' ');
            for (var k = 0; k < BytesPerLine; k++)
            {
                if (k < line.Length)
                {
                    text.Append(line[k].ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
                }
                else
                {
                    text.Append("   ");
                }
            }

            foreach (var b in line)
            {
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
            }
        }

        return text.Append(" }").ToString();
    }
}
