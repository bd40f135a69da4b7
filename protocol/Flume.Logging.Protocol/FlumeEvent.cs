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
    private PackedHeaders _packed;
    private Dictionary<string, string>? _headers;

    /// <summary>
    /// Creates an event with the given headers and body. A <see cref="Dictionary{TKey, TValue}"/> is taken as is;
    /// any other map is copied into one.
    /// </summary>
    public FlumeEvent(IDictionary<string, string>? headers, ReadOnlyMemory<byte> body)
    {
        _headers = headers switch
        {
            null => null,
            Dictionary<string, string> { Count: 0 } => null,
            Dictionary<string, string> dictionary => dictionary,
            _ => headers.Count == 0 ? null : new Dictionary<string, string>(headers, StringComparer.Ordinal),
        };
        Body = body;
    }

    /// <summary>
    /// Creates an event whose headers are already UTF-8 in <see cref="PackedHeaders"/> layout, which the wire encoders
    /// copy as they are; <see cref="Headers"/> turns them into strings only if someone asks.
    /// </summary>
    internal FlumeEvent(PackedHeaders packed, ReadOnlyMemory<byte> body)
    {
        _packed = packed;
        Body = body;
    }

    /// <summary>
    /// Creates an event whose body is a slice of <paramref name="buffer"/>, which it borrows rather than copies; see
    /// <see cref="EventBuffer"/> for who may keep such an event.
    /// </summary>
    internal FlumeEvent(PackedHeaders packed, Dictionary<string, string>? headers, ReadOnlyMemory<byte> body, EventBuffer buffer)
        : this(headers, body)
    {
        _packed = packed;
        Buffer = buffer;
    }

    /// <summary>
    /// Gives an event owned by its <see cref="Buffer"/> the headers (packed or as a map) and body of the next request's
    /// event.
    /// </summary>
    internal void Reuse(PackedHeaders packed, Dictionary<string, string>? headers, ReadOnlyMemory<byte> body)
    {
        _packed = packed;
        _headers = headers is { Count: > 0 } ? headers : null;
        Body = body;
    }

    /// <summary>Creates an event with no headers.</summary>
    public FlumeEvent(ReadOnlyMemory<byte> body)
        : this(null, body)
    {
    }

    /// <summary>The event's headers; keys are compared ordinally. Created on first use for events that have none.</summary>
    public IDictionary<string, string> Headers => HeaderMap;

    /// <summary>The event's body.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>
    /// The pooled request buffer the body is borrowed from, or null when the event owns its body. Such an event belongs
    /// to the buffer and is reused for a later request once the buffer's last reference is released.
    /// </summary>
    internal EventBuffer? Buffer { get; }

    /// <summary>How many headers the event has, without creating an empty map.</summary>
    internal int HeaderCount => Volatile.Read(ref _headers)?.Count ?? _packed.Count;

    /// <summary>
    /// The packed UTF-8 headers this event was built with, while nobody has asked for <see cref="Headers"/> (which
    /// may then have been changed, so encoders must read the map from then on).
    /// </summary>
    internal bool TryGetPacked(out PackedHeaders packed)
    {
        packed = _packed;
        return _packed.Count > 0 && Volatile.Read(ref _headers) is null;
    }

    /// <summary>
    /// The headers as the concrete map, whose struct enumerator lets encoders walk them without allocating.
    /// </summary>
    internal Dictionary<string, string> HeaderMap
    {
        get
        {
            if (_headers is { } headers)
            {
                return headers;
            }

            // Racing readers of a header-less or packed event must all end up with the same map.
            Interlocked.CompareExchange(ref _headers, _packed.Count > 0 ? _packed.ToDictionary() : new Dictionary<string, string>(StringComparer.Ordinal), null);
            return _headers;
        }
    }

    /// <summary>Creates an event whose body is <paramref name="text"/> in UTF-8.</summary>
    public static FlumeEvent FromText(string text, IDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FlumeEvent(headers, System.Text.Encoding.UTF8.GetBytes(text));
    }
}
