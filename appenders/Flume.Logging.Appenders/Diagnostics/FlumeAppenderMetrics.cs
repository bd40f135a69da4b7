namespace Flume.Logging.Appenders.Diagnostics;

/// <summary>
/// The names under which every Flume appender publishes its counters through <c>System.Diagnostics.Metrics</c>, so
/// <c>dotnet-counters monitor --counters Flume.Logging.Appenders</c> and OpenTelemetry (<c>AddMeter(MeterName)</c>)
/// see them without code from us. Each measurement carries the tags <see cref="KindTag"/> and <see cref="NameTag"/>;
/// the counters of an appender that was closed and re-created under the same name keep counting up.
/// </summary>
public static class FlumeAppenderMetrics
{
    /// <summary>The meter's name: <c>Flume.Logging.Appenders</c>.</summary>
    public const string MeterName = "Flume.Logging.Appenders";

    /// <summary>Counter: events accepted into the memory queue.</summary>
    public const string EventsQueued = "flume.appender.events.queued";

    /// <summary>Counter: events a relay acknowledged.</summary>
    public const string EventsSent = "flume.appender.events.sent";

    /// <summary>Counter: events lost (queue full, closed, unsendable at shutdown, disk buffer full).</summary>
    public const string EventsDropped = "flume.appender.events.dropped";

    /// <summary>Counter: events written to the disk buffer (they count as sent once a relay takes them).</summary>
    public const string EventsBuffered = "flume.appender.events.buffered";

    /// <summary>Counter: send attempts that failed.</summary>
    public const string BatchesFailed = "flume.appender.batches.failed";

    /// <summary>Up-down counter: events waiting in the memory queue now.</summary>
    public const string QueueSize = "flume.appender.queue.size";

    /// <summary>Up-down counter: events waiting in the disk buffer now.</summary>
    public const string BufferSize = "flume.appender.buffer.size";

    /// <summary>Tag: the logging framework, <c>log4net</c>, <c>nlog</c>, <c>serilog</c> or <c>mel</c>.</summary>
    public const string KindTag = "flume.appender.kind";

    /// <summary>Tag: the appender's name in its configuration (the framework's name where it has none).</summary>
    public const string NameTag = "flume.appender.name";
}
