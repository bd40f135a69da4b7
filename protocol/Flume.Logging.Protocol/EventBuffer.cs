using System.Buffers;

namespace Flume.Logging.Protocol;

/// <summary>
/// A request's bytes in an array from the shared pool, which the events decoded from it borrow their bodies from
/// instead of each getting a copy. Counted references keep it: the decoder holds one while it hands the events on,
/// and a channel that keeps borrowed events takes one per event when it commits their put (<see cref="Retain"/>) and
/// gives them back when it commits their take (<see cref="Release"/>). The last release returns the array to the pool,
/// so every holder must be done reading the bodies by then.
/// </summary>
internal sealed class EventBuffer
{
    private readonly byte[] _array;
    private int _references = 1;

    private EventBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>References held now: 0 once the array went back to the pool.</summary>
    public int References => Volatile.Read(ref _references);

    /// <summary>How many bytes of the array are the request's.</summary>
    public int Length { get; }

    /// <summary>The request's bytes, for the decoder to fill and slice.</summary>
    public Memory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>A buffer of <paramref name="length"/> bytes held once, by the caller.</summary>
    public static EventBuffer Rent(int length) => new(ArrayPool<byte>.Shared.Rent(length), length);

    /// <summary>Adds <paramref name="count"/> references.</summary>
    public void Retain(int count)
    {
        if (Interlocked.Add(ref _references, count) <= count)
        {
            throw new InvalidOperationException("an event buffer was retained after its last release");
        }
    }

    /// <summary>Drops <paramref name="count"/> references; the last returns the array to the pool.</summary>
    public void Release(int count = 1)
    {
        var left = Interlocked.Add(ref _references, -count);
        if (left == 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("an event buffer was released more often than it was retained");
        }
    }

    /// <summary>
    /// Retains or releases (<paramref name="delta"/> +1 or -1 per event) the buffers of <paramref name="events"/>,
    /// one interlocked operation per run of events from the same buffer (a batch's events sit together).
    /// </summary>
    public static void Adjust(IReadOnlyList<FlumeEvent> events, int delta)
    {
        EventBuffer? run = null;
        var count = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var buffer = events[i].Buffer;
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
}
