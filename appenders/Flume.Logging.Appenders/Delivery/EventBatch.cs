using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The events of one request, taken from the queue, with their records' sources when a drop listener wants them back
/// should the batch be lost. The entries' encoded bytes are freed when the batch is cleared, so the events must not be
/// used after that.
/// </summary>
internal sealed class EventBatch(int capacity, bool keepSources)
{
    private readonly List<QueuedRecord> _entries = new(capacity);
    private readonly List<object> _sources = keepSources ? new List<object>(capacity) : [];

    public List<FlumeEvent> Events { get; } = new(capacity);

    public int Count => Events.Count;

    /// <summary>The sources of the batch's records that have one.</summary>
    public IReadOnlyList<object> Sources => _sources;

    public void Add(in QueuedRecord entry)
    {
        Events.Add(entry.Build());
        _entries.Add(entry);
        if (keepSources && entry.Source is { } source)
        {
            _sources.Add(source);
        }
    }

    /// <summary>
    /// Copies of the events that own their memory, for a store that keeps events after the call that hands them over
    /// (the disk buffer's queue does).
    /// </summary>
    public List<FlumeEvent> DetachedEvents()
    {
        var copies = new List<FlumeEvent>(Events.Count);
        foreach (var flumeEvent in Events)
        {
            // Headers turns the packed headers into a map of its own; only the body still reads the chunk.
            copies.Add(new FlumeEvent(flumeEvent.Headers, flumeEvent.Body.ToArray()));
        }

        return copies;
    }

    /// <summary>Empties the batch and frees its entries' encoded bytes.</summary>
    public void Clear()
    {
        foreach (var entry in _entries)
        {
            entry.Release();
        }

        _entries.Clear();
        Events.Clear();
        _sources.Clear();
    }
}
