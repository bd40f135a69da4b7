namespace Flume.Logging.Protocol;

/// <summary>
/// Cleared lists for the put and take lists of channel transactions (the memory channel's and the file channel's), so
/// a transaction of a hundred or a thousand events does not grow a fresh list through reallocations each time. Keeps
/// at most <c>retained</c> lists: one per concurrent transaction (source connections and sinks) is enough.
/// </summary>
internal sealed class ListPool<T>(int retained, int initialCapacity)
{
    private readonly Lock _lock = new();
    private readonly Stack<List<T>> _free = new(retained);

    /// <summary>An empty list, reused when one is free, else new with room for <c>initialCapacity</c> items.</summary>
    public List<T> Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var list))
            {
                return list;
            }
        }

        return new List<T>(initialCapacity);
    }

    /// <summary>
    /// Clears <paramref name="list"/> (so the pool keeps no item alive) and keeps it for the next <see cref="Rent"/>;
    /// null is ignored.
    /// </summary>
    public void Return(List<T>? list)
    {
        if (list is null)
        {
            return;
        }

        list.Clear();
        lock (_lock)
        {
            if (_free.Count < retained)
            {
                _free.Push(list);
            }
        }
    }
}
