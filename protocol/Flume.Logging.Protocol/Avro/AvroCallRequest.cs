namespace Flume.Logging.Protocol.Avro;

/// <summary>A decoded <c>append</c> (one <see cref="Event"/>) or <c>appendBatch</c> (<see cref="Events"/>) call.</summary>
internal sealed class AvroCallRequest
{
    private AvroCallRequest(FlumeEvent? flumeEvent, IReadOnlyList<FlumeEvent>? events)
    {
        Event = flumeEvent;
        Events = events;
    }

    /// <summary>The event of an <c>append</c>; null for <c>appendBatch</c>.</summary>
    public FlumeEvent? Event { get; }

    /// <summary>The events of an <c>appendBatch</c>; null for <c>append</c>.</summary>
    public IReadOnlyList<FlumeEvent>? Events { get; }

    public string MessageName => Event is null ? AvroCall.AppendBatch : AvroCall.Append;

    public static AvroCallRequest ForAppend(FlumeEvent flumeEvent) => new(flumeEvent, null);

    public static AvroCallRequest ForAppendBatch(IReadOnlyList<FlumeEvent> events) => new(null, events);
}
