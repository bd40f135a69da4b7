using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// One log call waiting in the memory queue: a ready event, or a record whose event the delivery loop builds later,
/// with the memory it holds (what <see cref="FlumeAppenderOptions.QueueByteLimit"/> bounds).
/// </summary>
internal readonly struct QueuedRecord
{
    private readonly FlumeEvent? _ready;
    private readonly FlumeLogRecord _record;
    private readonly string? _exceptionText;
    private readonly FlumeEventFactory? _events;

    private QueuedRecord(FlumeEvent? ready, in FlumeLogRecord record, string? exceptionText, FlumeEventFactory? events, int size)
    {
        _ready = ready;
        _record = record;
        _exceptionText = exceptionText;
        _events = events;
        Size = size;
    }

    /// <summary>The memory this entry holds, in bytes, as <see cref="RecordMemory"/> counts it.</summary>
    public int Size { get; }

    /// <summary>The framework's own event, handed back when the record is dropped; null for ready events.</summary>
    public object? Source => _record.Source;

    /// <summary>A ready event.</summary>
    public static QueuedRecord Of(FlumeEvent flumeEvent) => new(flumeEvent, default, null, null, RecordMemory.Of(flumeEvent));

    /// <summary>
    /// A record, its exception turned into text now: the queue then holds a string whose size it knows, not the
    /// exception's object graph, and the event shows the exception as it was when it was logged.
    /// </summary>
    public static QueuedRecord Of(in FlumeLogRecord record, FlumeEventFactory events)
    {
        var exceptionText = record.Exception?.ToString();
        var held = record.Exception is null ? record : record with { Exception = null };
        return new(null, held, exceptionText, events, RecordMemory.Of(held, exceptionText));
    }

    /// <summary>The event to send. Throws when a property cannot be turned into text.</summary>
    public FlumeEvent Build() => _ready ?? _events!.Create(_record, _exceptionText);
}
