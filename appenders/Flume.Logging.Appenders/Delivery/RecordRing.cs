using System.Numerics;
using System.Runtime.InteropServices;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// A bounded ring of queued entries for many writers and many takers (the loop, and log calls dropping the oldest),
/// allocated once: unlike a growing queue, it never allocates while log calls add to it (ConcurrentQueue allocates a
/// new segment per wrap, up to a 1M-slot array on the large object heap, which a log call then had to zero). Each
/// slot carries a sequence number that says whose turn it is, as in Dmitry Vyukov's bounded MPMC queue.
/// </summary>
internal sealed class RecordRing
{
    /// <summary>Most slots a ring may have.</summary>
    public const int MaxCapacity = 1 << 24;

    private readonly Slot[] _slots;
    private readonly long _mask;
    private PaddedPosition _added;
    private PaddedPosition _taken;

    /// <summary>A ring of at least <paramref name="capacity"/> slots (the next power of two).</summary>
    public RecordRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _slots = new Slot[BitOperations.RoundUpToPowerOf2((uint)capacity)];
        _mask = _slots.Length - 1;
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i].Sequence = i;
        }
    }

    public int Capacity => _slots.Length;

    /// <summary>Whether nothing is waiting to be taken (a snapshot).</summary>
    public bool IsEmpty => Volatile.Read(ref _added.Value) == Volatile.Read(ref _taken.Value);

    /// <summary>Adds <paramref name="entry"/>; false when every slot is taken by an entry not yet taken out.</summary>
    public bool TryAdd(in QueuedRecord entry)
    {
        var position = Volatile.Read(ref _added.Value);
        while (true)
        {
            ref var slot = ref _slots[position & _mask];
            var turn = Volatile.Read(ref slot.Sequence) - position;
            if (turn == 0)
            {
                var claimed = Interlocked.CompareExchange(ref _added.Value, position + 1, position);
                if (claimed == position)
                {
                    slot.Entry = entry;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return true;
                }

                position = claimed;
            }
            else if (turn < 0)
            {
                return false;
            }
            else
            {
                position = Volatile.Read(ref _added.Value);
            }
        }
    }

    /// <summary>Takes the oldest entry; false when there is none ready.</summary>
    public bool TryTake(out QueuedRecord entry)
    {
        var position = Volatile.Read(ref _taken.Value);
        while (true)
        {
            ref var slot = ref _slots[position & _mask];
            var turn = Volatile.Read(ref slot.Sequence) - (position + 1);
            if (turn == 0)
            {
                var claimed = Interlocked.CompareExchange(ref _taken.Value, position + 1, position);
                if (claimed == position)
                {
                    entry = slot.Entry;

                    // The slot must not keep the entry's chunk or source alive until it is written again.
                    slot.Entry = default;
                    Volatile.Write(ref slot.Sequence, position + _slots.Length);
                    return true;
                }

                position = claimed;
            }
            else if (turn < 0)
            {
                entry = default;
                return false;
            }
            else
            {
                position = Volatile.Read(ref _taken.Value);
            }
        }
    }

    private struct Slot
    {
        public long Sequence;
        public QueuedRecord Entry;
    }

    /// <summary>A position on a cache line of its own, so writers adding and the loop taking do not slow each other.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedPosition
    {
        [FieldOffset(64)]
        public long Value;
    }
}
