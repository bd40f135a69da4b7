using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// One log call waiting in the memory queue: a ready event, or the event encoded at the call, with the memory it
/// holds (what <see cref="FlumeAppenderOptions.QueueByteLimit"/> bounds).
/// </summary>
internal readonly struct QueuedRecord
{
    private readonly FlumeEvent? _ready;
    private readonly PackedEvent _packed;

    private QueuedRecord(FlumeEvent? ready, PackedEvent packed, object? source, int size)
    {
        _ready = ready;
        _packed = packed;
        Source = source;
        Size = size;
    }

    /// <summary>The memory this entry holds, in bytes, as <see cref="RecordMemory"/> counts it.</summary>
    public int Size { get; }

    /// <summary>The framework's own event, handed back when the record is dropped; null for ready events.</summary>
    public object? Source { get; }

    /// <summary>A ready event.</summary>
    public static QueuedRecord Of(FlumeEvent flumeEvent) => new(flumeEvent, default, null, RecordMemory.Of(flumeEvent));

    /// <summary>
    /// The event of <paramref name="record"/>, encoded now: the queue then holds bytes whose size it knows, not the
    /// record's strings and values, and the event shows the values (and the exception) as they were when logged.
    /// Throws when a property or the exception cannot be turned into text.
    /// </summary>
    public static QueuedRecord Of(in FlumeLogRecord record, FlumeEventFactory events)
    {
        var packed = events.Pack(record, record.Exception?.ToString());
        return new(null, packed, record.Source, RecordMemory.Of(packed, record.Source is not null));
    }

    /// <summary>The event to send, valid until <see cref="Release"/>.</summary>
    public FlumeEvent Build() => _ready ?? _packed.ToEvent();

    /// <summary>Frees the entry's encoded bytes once its event is sent or dropped. Exactly once per entry.</summary>
    public void Release() => _packed.Release();
}
