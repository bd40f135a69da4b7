namespace Flume.Logging.Protocol;

/// <summary>
/// The unit of data Flume moves: string headers and an opaque body, as in Flume's <c>Event</c>.
/// </summary>
/// <remarks>
/// Events are handed from sources to channels to sinks without copying, so treat an event as immutable once
/// it has been given to a channel or a client.
/// </remarks>
public sealed class FlumeEvent
{
    /// <summary>Creates an event with the given headers (taken as is, not copied) and body.</summary>
    public FlumeEvent(IDictionary<string, string>? headers, ReadOnlyMemory<byte> body)
    {
        Headers = headers ?? new Dictionary<string, string>(StringComparer.Ordinal);
        Body = body;
    }

    /// <summary>Creates an event with no headers.</summary>
    public FlumeEvent(ReadOnlyMemory<byte> body)
        : this(null, body)
    {
    }

    /// <summary>The event's headers; keys are compared ordinally.</summary>
    public IDictionary<string, string> Headers { get; }

    /// <summary>The event's body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Creates an event whose body is <paramref name="text"/> in UTF-8.</summary>
    public static FlumeEvent FromText(string text, IDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FlumeEvent(headers, System.Text.Encoding.UTF8.GetBytes(text));
    }
}
