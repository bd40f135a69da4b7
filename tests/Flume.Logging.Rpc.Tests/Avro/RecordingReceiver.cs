using System.Collections.Concurrent;
using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc.Tests.Avro;

/// <summary>Records every event and request size it receives and answers <see cref="Status"/> (or throws).</summary>
internal sealed class RecordingReceiver : IEventReceiver
{
    public ConcurrentQueue<FlumeEvent> Events { get; } = new();

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public EventStatus Status { get; set; } = EventStatus.Ok;

    public bool Throw { get; set; }

    public ValueTask<EventStatus> AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken) =>
        AppendBatchAsync([flumeEvent], cancellationToken);

    public ValueTask<EventStatus> AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken)
    {
        if (Throw)
        {
            throw new InvalidOperationException("receiver broke");
        }

        BatchSizes.Enqueue(events.Count);
        foreach (var flumeEvent in events)
        {
            Events.Enqueue(flumeEvent);
        }

        return ValueTask.FromResult(Status);
    }
}
