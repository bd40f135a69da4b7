using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The events of one request, built from queued records, with their records' sources when a drop listener wants
/// them back should the batch be lost.
/// </summary>
internal sealed class EventBatch(int capacity, bool keepSources)
{
    private readonly List<object> _sources = keepSources ? new List<object>(capacity) : [];

    public List<FlumeEvent> Events { get; } = new(capacity);

    public int Count => Events.Count;

    /// <summary>The sources of the batch's records that have one.</summary>
    public IReadOnlyList<object> Sources => _sources;

    public void Add(FlumeEvent flumeEvent, object? source)
    {
        Events.Add(flumeEvent);
        if (keepSources && source is not null)
        {
            _sources.Add(source);
        }
    }

    public void Clear()
    {
        Events.Clear();
        _sources.Clear();
    }
}
