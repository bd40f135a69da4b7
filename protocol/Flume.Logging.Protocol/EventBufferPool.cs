namespace Flume.Logging.Protocol;

/// <summary>
/// Event buffers whose last reference was released, with their event objects, kept for the next requests. Bounded:
/// a channel holding borrowed events keeps their buffers out of the pool until the events are taken, so the pool only
/// needs to cover the requests in flight plus a short burst; buffers beyond that are left to the GC.
/// </summary>
internal sealed class EventBufferPool
{
    /// <summary>Buffers kept at most by <see cref="Shared"/>.</summary>
    public const int DefaultMaxPooled = 64;

    private readonly Lock _lock = new();
    private readonly Stack<EventBuffer> _free = new();
    private readonly int _maxPooled;

    public EventBufferPool(int maxPooled = DefaultMaxPooled) => _maxPooled = maxPooled;

    /// <summary>The pool every server's requests use.</summary>
    public static EventBufferPool Shared { get; } = new();

    /// <summary>Buffers waiting for reuse now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>A buffer of <paramref name="length"/> bytes held once, by the caller, with no events yet.</summary>
    public EventBuffer Rent(int length)
    {
        EventBuffer? buffer;
        lock (_lock)
        {
            _free.TryPop(out buffer);
        }

        buffer ??= new EventBuffer(this);
        buffer.Reset(length);
        return buffer;
    }

    /// <summary>Keeps a buffer whose last reference was released, unless the pool is full.</summary>
    internal void Return(EventBuffer buffer)
    {
        lock (_lock)
        {
            if (_free.Count < _maxPooled)
            {
                _free.Push(buffer);
            }
        }
    }
}
