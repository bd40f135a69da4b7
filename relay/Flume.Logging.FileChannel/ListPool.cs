namespace Flume.Logging.FileChannel;

/// <summary>
/// Cleared lists for the put and take lists of transactions, so a transaction of a thousand events does not grow a
/// fresh list through ten reallocations each time. Keeps at most <see cref="Retained"/> lists (one per concurrent
/// transaction is enough), each holding at most transactionCapacity entries.
/// </summary>
internal sealed class ListPool<T>
{
    /// <summary>Most free lists kept.</summary>
    public const int Retained = 16;

    private readonly Lock _lock = new();
    private readonly Stack<List<T>> _free = new(Retained);

    /// <summary>An empty list, reused when one is free.</summary>
    public List<T> Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var list))
            {
                return list;
            }
        }

        return [];
    }

    /// <summary>Clears <paramref name="list"/> (dropping its references) and keeps it for the next <see cref="Rent"/>.</summary>
    public void Return(List<T> list)
    {
        list.Clear();
        lock (_lock)
        {
            if (_free.Count < Retained)
            {
                _free.Push(list);
            }
        }
    }
}
