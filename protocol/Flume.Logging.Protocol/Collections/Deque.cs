namespace Flume.Logging.Protocol.Collections;

/// <summary>
/// A growable ring buffer with both ends open: channels append commits at the tail and return
/// rolled-back takes to the head, in their original order.
/// </summary>
internal sealed class Deque<T>
{
    private T[] _items;
    private int _head;
    private int _count;

    public Deque(int initialCapacity)
    {
        _items = new T[Math.Max(4, initialCapacity)];
    }

    public int Count => _count;

    /// <summary>The item <paramref name="index"/> places from the head.</summary>
    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count);
            return _items[(_head + index) % _items.Length];
        }
    }

    public void AddLast(T item)
    {
        EnsureRoom();
        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }

    public void AddFirst(T item)
    {
        EnsureRoom();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = item;
        _count++;
    }

    public T RemoveFirst()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("the deque is empty");
        }

        var item = _items[_head];
        _items[_head] = default!;
        _head = (_head + 1) % _items.Length;
        _count--;
        return item;
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void EnsureRoom()
    {
        if (_count < _items.Length)
        {
            return;
        }

        var larger = new T[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
