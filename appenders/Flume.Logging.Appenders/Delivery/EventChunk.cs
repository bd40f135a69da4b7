namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// A block of memory that log calls encode their events into (see <see cref="EventPacker"/>), counted so it can be
/// used again once every event in it is sent or dropped. Reuse is what keeps log calls from allocating: a chunk is
/// long-lived, so a deep queue gives the GC nothing to move and nothing to collect.
/// </summary>
/// <remarks>
/// A chunk starts with one hold, its writer's, released when the writer moves to another chunk; each finished event
/// adds a hold, released when the event leaves the appender. At zero holds a chunk of the standard size goes back to
/// its <see cref="Pool"/>; any other chunk is left to the GC. A chunk whose holds are never all released (a thread that
/// ended while owning it) is simply collected.
/// </remarks>
internal sealed class EventChunk
{
    /// <summary>
    /// Bytes of a standard chunk: dozens of typical events, and under the large object heap's 85,000 bytes, so a chunk
    /// the pool does not keep is collected with the young generations.
    /// </summary>
    public const int Size = 16 * 1024;

    private readonly Pool? _pool;
    private int _holds;

    private EventChunk(int size, Pool? pool)
    {
        Bytes = GC.AllocateUninitializedArray<byte>(size);
        _pool = pool;
    }

    public byte[] Bytes { get; }

    /// <summary>Counts one more event written into the chunk; <see cref="Release"/> it when the event is done.</summary>
    public void Hold() => Interlocked.Increment(ref _holds);

    /// <summary>
    /// Gives up one hold; the last one frees the chunk. Releasing more often than held would let a chunk be rewritten
    /// under events still queued in it, so that throws.
    /// </summary>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _holds);
        if (left > 0)
        {
            return;
        }

        if (left < 0)
        {
            throw new InvalidOperationException("an event chunk was released more often than it was held");
        }

        _pool?.Return(this);
    }

    /// <summary>
    /// Free chunks of the standard size, at most <see cref="Retained"/> of them, so a burst that needed more memory
    /// does not keep it. One pool serves the process (<see cref="Shared"/>, 4 MiB at most).
    /// </summary>
    internal sealed class Pool
    {
        /// <summary>Most free chunks a pool keeps.</summary>
        public const int Retained = 256;

        private readonly Stack<EventChunk> _free = new(Retained);

        public static Pool Shared { get; } = new();

        /// <summary>Free chunks waiting for reuse.</summary>
        public int FreeCount
        {
            get
            {
                lock (_free)
                {
                    return _free.Count;
                }
            }
        }

        /// <summary>A chunk of at least <paramref name="bytes"/> bytes, held once by the caller (its writer).</summary>
        public EventChunk Rent(int bytes)
        {
            EventChunk? chunk = null;
            if (bytes <= Size)
            {
                lock (_free)
                {
                    _free.TryPop(out chunk);
                }
            }

            chunk ??= bytes <= Size ? new EventChunk(Size, this) : new EventChunk(bytes, null);
            chunk._holds = 1;
            return chunk;
        }

        public void Return(EventChunk chunk)
        {
            lock (_free)
            {
                if (_free.Count < Retained)
                {
                    _free.Push(chunk);
                }
            }
        }
    }
}
