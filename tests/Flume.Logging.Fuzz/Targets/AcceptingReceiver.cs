using Flume.Logging.Protocol;
using Flume.Logging.Rpc;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>A receiver that reads every header and body it is given, as a channel would, and accepts.</summary>
internal sealed class AcceptingReceiver : IEventReceiver
{
    public static readonly AcceptingReceiver Instance = new();

    public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        Touch(flumeEvent);
        return ValueTask.FromResult(EventStatus.Ok);
    }

    public ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        for (var i = 0; i < events.Count; i++)
        {
            Touch(events[i]);
        }

        return ValueTask.FromResult(EventStatus.Ok);
    }

    /// <summary>Reads the headers through the map, so lazily decoded headers are decoded.</summary>
    public static void Touch(FlumeEvent flumeEvent)
    {
        foreach (var header in flumeEvent.Headers)
        {
            _ = header.Key.Length + header.Value.Length;
        }

        _ = flumeEvent.Body.Length;
    }
}
