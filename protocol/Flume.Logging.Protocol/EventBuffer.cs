using System.Buffers;

namespace Flume.Logging.Protocol;

/// <summary>
/// A request's bytes in an array from the shared pool, which the events decoded from it borrow their bodies from
/// instead of each getting a copy. Counted references keep it: the decoder holds one while it hands the events on,
/// and a channel that keeps borrowed events takes one per event when it commits their put (<see cref="Retain"/>) and
/// gives them back when it commits their take (<see cref="Release"/>). The last release returns the array to the pool,
/// so every holder must be done reading the bodies by then.
/// </summary>
/// <remarks>
/// The buffer owns the event objects decoded from it as well (<see cref="NextEvent"/>, <see cref="Events"/>): when the
/// last reference goes, the buffer with its events goes back to its <see cref="EventBufferPool"/> and the next request
/// reuses them, so
/// a steady stream of requests allocates no event objects at all. That is why holders must be done with the events,
/// not only with their bodies, by their last release.
/// </remarks>
internal sealed class EventBuffer
{
    /// <summary>
    /// Event objects a pooled buffer keeps for reuse. Enough for Flume's usual batches; a buffer that decoded a larger
    /// one keeps none, so the pool holds at most a few MB however large the batches a client once sent.
    /// </summary>
    public const int MaxSpareEvents = 1024;

    private readonly EventBufferPool _pool;

    // The decoded events in order; the event objects in _spare[Events.Count..] wait for reuse.
    private readonly List<FlumeEvent> _events = [];
    private FlumeEvent[] _spare = [];
    private byte[] _array = [];
    private int _references;

    internal EventBuffer(EventBufferPool pool) => _pool = pool;

    /// <summary>References held now: 0 once the array went back to the pool.</summary>
    public int References => Volatile.Read(ref _references);

    /// <summary>How many bytes of the array are the request's.</summary>
    public int Length { get; private set; }

    /// <summary>The request's bytes, for the decoder to fill and slice.</summary>
    public Memory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>The events decoded from this buffer so far (<see cref="NextEvent"/>), in order.</summary>
    public IReadOnlyList<FlumeEvent> Events => _events;

    /// <summary>A buffer of <paramref name="length"/> bytes held once, by the caller, with no events yet.</summary>
    public static EventBuffer Rent(int length) => EventBufferPool.Shared.Rent(length);

    /// <summary>Readies a buffer from the pool for a request of <paramref name="length"/> bytes.</summary>
    internal void Reset(int length)
    {
        _array = ArrayPool<byte>.Shared.Rent(length);
        Length = length;
        _references = 1;
    }

    /// <summary>
    /// Appends an event whose body is <paramref name="body"/>, a slice of <see cref="Memory"/> (as <paramref name="packed"/>
    /// headers are, when it has any), to <see cref="Events"/>,
    /// reusing an event object of an earlier request when there is one.
    /// </summary>
    public FlumeEvent NextEvent(PackedHeaders packed, Dictionary<string, string>? headers, ReadOnlyMemory<byte> body)
    {
        var index = _events.Count;
        if (index == _spare.Length)
        {
            Array.Resize(ref _spare, Math.Max(16, index * 2));
        }

        var flumeEvent = _spare[index];
        if (flumeEvent is null)
        {
            flumeEvent = new FlumeEvent(packed, headers, body, this);
            _spare[index] = flumeEvent;
        }
        else
        {
            flumeEvent.Reuse(packed, headers, body);
        }

        _events.Add(flumeEvent);
        return flumeEvent;
    }

    /// <summary>Adds <paramref name="count"/> references.</summary>
    public void Retain(int count)
    {
        if (Interlocked.Add(ref _references, count) <= count)
        {
            Interlocked.Add(ref _references, -count);
            throw new InvalidOperationException("an event buffer was retained after its last release");
        }
    }

    /// <summary>Drops <paramref name="count"/> references; the last returns the array and the events to their pools.</summary>
    public void Release(int count = 1)
    {
        var left = Interlocked.Add(ref _references, -count);
        if (left == 0)
        {
            Recycle();
        }
        else if (left < 0)
        {
            Interlocked.Add(ref _references, count);
            throw new InvalidOperationException("an event buffer was released more often than it was retained");
        }
    }

    /// <summary>
    /// Retains or releases (<paramref name="delta"/> +1 or -1 per event) the buffers of <paramref name="events"/>,
    /// one interlocked operation per run of events from the same buffer (a batch's events sit together).
    /// </summary>
    public static void Adjust(IReadOnlyList<FlumeEvent> events, int delta) => Adjust(events, static e => e.Buffer, delta);

    /// <summary>
    /// <see cref="Adjust(IReadOnlyList{FlumeEvent}, int)"/> for a list of items that may hold a borrowed event, such as
    /// a channel's entries; <paramref name="bufferOf"/> gives an item's buffer, or null.
    /// </summary>
    public static void Adjust<T>(IReadOnlyList<T> items, Func<T, EventBuffer?> bufferOf, int delta)
    {
        EventBuffer? run = null;
        var count = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var buffer = bufferOf(items[i]);
            if (buffer == run)
            {
                count++;
                continue;
            }

            Apply(run, count, delta);
            run = buffer;
            count = 1;
        }

        Apply(run, count, delta);
    }

    private static void Apply(EventBuffer? buffer, int count, int delta)
    {
        if (buffer is null || count == 0)
        {
            return;
        }

        if (delta > 0)
        {
            buffer.Retain(count);
        }
        else
        {
            buffer.Release(count);
        }
    }

    private void Recycle()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        Length = 0;

        // The event objects stay in _spare for the next request; their header maps are dropped now rather than kept
        // alive by the pool.
        for (var i = 0; i < _events.Count; i++)
        {
            if (_events[i].HeaderCount > 0)
            {
                _events[i].Reuse(default, null, default);
            }
        }

        _events.Clear();
        if (_spare.Length > MaxSpareEvents)
        {
            _spare = [];
        }

        _pool.Return(this);
    }
}
