using System.Buffers;
using System.Text;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>
/// Flume's <c>text</c> serializer (BodyTextEventSerializer): each body as is, then a newline unless
/// <c>appendNewline = false</c>; and its <c>header_and_text</c> serializer, which first writes the headers as Java's
/// map text <c>{k=v, k2=v2}</c> and a space. Both can continue an existing file.
/// </summary>
internal sealed class TextEventSerializer(Stream output, bool withHeaders, bool appendNewline) : IEventSerializer
{
    public bool SupportsReopen => true;

    public void AfterCreate()
    {
    }

    public void AfterReopen()
    {
    }

    public void Write(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        if (withHeaders)
        {
            WriteHeaders(flumeEvent);
        }

        output.Write(flumeEvent.Body.Span);
        if (appendNewline)
        {
            output.WriteByte((byte)'\n');
        }
    }

    public void Flush() => output.Flush();

    public void BeforeClose()
    {
    }

    private void WriteHeaders(FlumeEvent flumeEvent)
    {
        output.Write("{"u8);
        var first = true;
        foreach (var (key, value) in flumeEvent.Headers)
        {
            if (!first)
            {
                output.Write(", "u8);
            }

            first = false;
            WriteUtf8(key);
            output.WriteByte((byte)'=');
            WriteUtf8(value);
        }

        output.Write("} "u8);
    }

    private void WriteUtf8(string text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            output.Write(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
