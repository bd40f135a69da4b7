using System.Collections;
using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc.Clients;

/// <summary>A window on a list of events, so a large batch is sent in chunks without copying it.</summary>
internal sealed class EventListSlice : IReadOnlyList<FlumeEvent>
{
    private readonly IReadOnlyList<FlumeEvent> _events;
    private readonly int _offset;

    /// <summary>Views <paramref name="count"/> events of <paramref name="events"/> from <paramref name="offset"/>.</summary>
    internal EventListSlice(IReadOnlyList<FlumeEvent> events, int offset, int count)
    {
        _events = events;
        _offset = offset;
        Count = count;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public FlumeEvent this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _events[_offset + index];
        }
    }

    /// <inheritdoc/>
    public IEnumerator<FlumeEvent> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _events[_offset + i];
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
