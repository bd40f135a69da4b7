using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>A sink that keeps every event it receives, as a fallback sink or a listener's target would.</summary>
public sealed class CollectingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
}
